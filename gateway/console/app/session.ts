import type { Language } from '../../../schema/codes';
import { LANGUAGES } from '../../../schema/codes';
import type { Purpose, Role } from '../../../schema/access';

/** Who is signed in: the token as the API takes it, and what its claims say (read for display only; the gateway verifies). */
export interface Session {
  token: string;
  role: Role;
  myNumber?: string;
  municipality?: string;
  purpose?: Purpose;
}

const SESSION_KEY = 'console.session';
const LANGUAGE_KEY = 'console.language';

/** The session from a pasted or minted token, or undefined when it is not a JWT with a role. */
export function sessionOf(token: string): Session | undefined {
  const part = token.trim().split('.')[1];
  if (!part) return undefined;
  try {
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)))) as Record<string, unknown>;
    if (typeof claims.role !== 'string') return undefined;
    return {
      token: token.trim(),
      role: claims.role as Role,
      ...(typeof claims.my_number === 'string' ? { myNumber: claims.my_number } : {}),
      ...(typeof claims.municipality === 'string' ? { municipality: claims.municipality } : {}),
      ...(typeof claims.purpose === 'string' ? { purpose: claims.purpose as Purpose } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Kept for the browser tab only (sessionStorage), never across tabs or restarts. */
export function loadSession(): Session | undefined {
  const raw = sessionStorage.getItem(SESSION_KEY);
  return raw ? (JSON.parse(raw) as Session) : undefined;
}

export function saveSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
}

/** The language chosen here, else the browser's first one we have, else Japanese. */
export function loadLanguage(): Language {
  const saved = localStorage.getItem(LANGUAGE_KEY);
  if (saved && (LANGUAGES as readonly string[]).includes(saved)) return saved as Language;
  for (const tag of navigator.languages) {
    const match = LANGUAGES.find((l) => l.toLowerCase() === tag.toLowerCase() || l === tag.split('-')[0]);
    if (match) return match;
  }
  return 'ja';
}

export function saveLanguage(language: Language): void {
  localStorage.setItem(LANGUAGE_KEY, language);
}
