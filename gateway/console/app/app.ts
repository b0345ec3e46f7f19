import { LANGUAGES, type Language } from '../../../schema/codes';
import { PURPOSES_BY_ROLE, type Purpose } from '../../../schema/access';
import { demoToken, setup } from './api';
import type { Ctx } from './context';
import { fill, h, uid } from './dom';
import { finishProviderSignIn, redirectToProvider, SignInError, type SignInFailure } from './providerSignIn';
import { loadLanguage, loadSession, saveLanguage, saveSession, sessionOf, type Session } from './session';
import { LANGUAGE_NAMES, STRINGS } from './strings';
import { analystView, forgetAnalystTable } from './views/analyst';
import { counterView, forgetCounterSearch } from './views/counter';
import { residentView } from './views/resident';

/** Which view each role opens. */
const VIEWS: Partial<Record<Session['role'], (root: HTMLElement, ctx: Ctx) => void>> = {
  'isa-officer': counterView,
  'municipal-clerk': counterView,
  'jlis-operator': counterView,
  resident: residentView,
  analyst: analystView,
};

const DEMO_ROLES = ['isa-officer', 'municipal-clerk', 'jlis-operator', 'analyst', 'resident'] as const;
const NOT_A_TOKEN = 'Not a token (a JWT with a role)';

let language: Language = loadLanguage();
let session: Session | undefined = loadSession();
let settings: Awaited<ReturnType<typeof setup>> = { keys: {}, demoSignIn: false, explorer: false };
/** Why the last sign-in with the identity provider ended without a session, shown on the sign-in page. */
let failure: SignInFailure | undefined;

function render(): void {
  const app = document.getElementById('app')!;
  const t = STRINGS[language];
  document.documentElement.lang = language === 'ja-x-easy' ? 'ja' : language;
  document.title = t.title;
  const main = h('main', { id: 'main', tabindex: '-1' });
  fill(app, h('a', { class: 'skip', href: '#main' }, t.title), header(), main);
  if (!session) return signIn(main);
  const view = VIEWS[session.role];
  if (!view) return fill(main, h('p', {}, t.noView));
  view(main, { session, language, t, keys: settings.keys });
}

function header(): HTMLElement {
  const t = STRINGS[language];
  const langId = uid('lang');
  const select = h('select', { id: langId, onchange: (e) => setLanguage((e.target as HTMLSelectElement).value as Language) }, LANGUAGES.map((l) => h('option', { value: l, lang: l === 'ja-x-easy' ? 'ja' : l, selected: l === language }, LANGUAGE_NAMES[l])));
  const purposes = session ? PURPOSES_BY_ROLE[session.role] : [];
  const purposeId = uid('purpose');
  return h(
    'header',
    { class: 'top' },
    h('h1', {}, t.title),
    h('div', { class: 'top-controls' },
      h('label', { for: langId }, t.language), select,
      session && purposes.length > 1
        ? [h('label', { for: purposeId }, 'purpose'), h('select', { id: purposeId, onchange: (e) => setPurpose((e.target as HTMLSelectElement).value as Purpose) }, purposes.map((p) => h('option', { value: p, selected: p === (session!.purpose ?? purposes[0]) }, p)))]
        : null,
      session && settings.explorer ? h('a', { href: '/console/explorer' }, 'GraphiQL') : null,
      session ? h('span', { class: 'who' }, session.role, session.municipality ? ` ${session.municipality}` : '') : null,
      session ? h('button', { type: 'button', onclick: () => signOut() }, t.signOut) : null,
    ),
  );
}

function signIn(main: HTMLElement): void {
  const t = STRINGS[language];
  const tokenId = uid('token');
  const error = h('p', { class: 'banner banner-error', role: 'alert', hidden: !failure }, failure ? failureText(failure) : '');
  const token = h('textarea', { id: tokenId, rows: '3', spellcheck: 'false', autocomplete: 'off' });
  const pasteForm = h('form', { class: 'panel', onsubmit: (e) => { e.preventDefault(); start(sessionOf(token.value), error); } },
    h('h2', {}, t.signIn), h('label', { for: tokenId }, t.pasteToken), token, h('button', { type: 'submit' }, t.signIn));
  const forms: HTMLElement[] = [];
  const provider = settings.signIn;
  if (provider === 'unreachable') forms.push(h('p', { class: 'panel' }, t.providerUnreachable));
  else if (provider) {
    forms.push(h('form', { class: 'panel', onsubmit: (e) => { e.preventDefault(); void redirectToProvider(provider); } },
      h('h2', {}, t.signIn), h('button', { type: 'submit' }, t.providerSignIn)));
  }
  forms.push(pasteForm);
  if (settings.demoSignIn) {
    const roleId = uid('role');
    const muniId = uid('muni');
    const mnId = uid('mn');
    const role = h('select', { id: roleId }, DEMO_ROLES.map((r) => h('option', { value: r }, r)));
    const muni = h('input', { id: muniId, inputmode: 'numeric', value: '131041', autocomplete: 'off' });
    const mn = h('input', { id: mnId, inputmode: 'numeric', autocomplete: 'off' });
    forms.push(
      h('form', { class: 'panel', onsubmit: (e) => { e.preventDefault(); void demo(role.value, muni.value, mn.value, error); } },
        h('h2', {}, t.demoRole),
        h('label', { for: roleId }, t.demoRole), role,
        h('label', { for: muniId }, `${t.municipality} (municipal-clerk)`), muni,
        h('label', { for: mnId }, `${t.myNumber} (resident)`), mn,
        h('button', { type: 'submit' }, t.signIn)),
    );
  }
  fill(main, error, h('div', { class: 'signin' }, forms));
}

async function demo(role: string, municipality: string, myNumber: string, error: HTMLElement): Promise<void> {
  try {
    start(sessionOf(await demoToken({ role, ...(role === 'municipal-clerk' ? { municipality } : {}), ...(role === 'resident' ? { myNumber } : {}) })), error);
  } catch (e) {
    error.hidden = false;
    error.textContent = (e as Error).message;
  }
}

function failureText(f: SignInFailure): string {
  const t = STRINGS[language];
  if (f.kind === 'state') return t.providerState;
  return f.kind === 'refused' ? `${t.providerRefused} ${f.error}` : `${t.providerFailed} ${f.message}`;
}

function start(next: Session | undefined, error: HTMLElement): void {
  if (!next) {
    error.hidden = false;
    error.textContent = NOT_A_TOKEN;
    return;
  }
  failure = undefined;
  session = next;
  saveSession(session);
  render();
}

function signOut(): void {
  failure = undefined;
  session = undefined;
  saveSession(undefined);
  forgetCounterSearch();
  forgetAnalystTable();
  render();
}

function setLanguage(next: Language): void {
  language = next;
  saveLanguage(next);
  render();
  document.querySelector<HTMLSelectElement>('header select')?.focus();
}

function setPurpose(purpose: Purpose): void {
  session = { ...session!, purpose };
  saveSession(session);
  render();
}

/** The settings, then the way back from the identity provider when this page load is one. */
async function boot(): Promise<void> {
  settings = await setup().catch(() => settings);
  try {
    const token = await finishProviderSignIn(typeof settings.signIn === 'object' ? settings.signIn : undefined);
    if (token === undefined) return;
    const next = sessionOf(token);
    if (!next) throw new SignInError({ kind: 'failed', message: NOT_A_TOKEN });
    failure = undefined;
    session = next;
    saveSession(session);
  } catch (err) {
    // A session already open stays: a forged answer must not sign anyone out either.
    failure = err instanceof SignInError ? err.failure : { kind: 'failed', message: (err as Error).message };
  }
}

void boot().finally(render);
