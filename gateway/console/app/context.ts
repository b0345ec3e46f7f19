import type { Authority } from '../../../runtime/authority';
import type { CodeType, Language } from '../../../schema/codes';
import { label } from '../../../schema/i18n';
import type { CodeOf } from '../../../schema/i18n';
import { errorMessage, MESSAGES } from '../../i18n';
import type { ErrorCode } from '../../i18n/errorCodes';
import type { ApiError } from './api';
import { h } from './dom';
import type { Session } from './session';
import type { Strings } from './strings';

/** What every view is given: who is signed in, in which language, and the authorities' public keys. */
export interface Ctx {
  session: Session;
  language: Language;
  t: Strings;
  keys: Record<string, JsonWebKey[]>;
}

/** A code's label in the page's language, the same text the API gives (schema/i18n). */
export function codeLabel<T extends CodeType>(ctx: Ctx, type: T, code: string | null | undefined): string {
  return code ? label(type, code as CodeOf<T>, ctx.language) : '—';
}

/** The name of an authority in the page's language, as the API's messages name it. */
export function authorityName(ctx: Ctx, authority: Authority): string {
  return MESSAGES[ctx.language]?.authorities[authority] ?? MESSAGES.en!.authorities[authority];
}

/** A client-side check's message, in the words the API would use for the same code. */
export function codeMessage(ctx: Ctx, code: ErrorCode): string {
  return errorMessage(code, ctx.language);
}

/** A banner for each error the API sent (an authority down, a refusal): its translated message and its code. */
export function errorBanners(errors: ApiError[] | undefined): HTMLElement[] {
  return (errors ?? []).map((e) =>
    h('p', { class: `banner ${e.extensions?.code === 'AUTHORITY_UNAVAILABLE' ? 'banner-down' : 'banner-error'}`, role: 'alert' }, e.message, e.extensions?.code ? h('code', {}, ` ${e.extensions.code}`) : null),
  );
}

/** A part of the record, marked with the authority that owns it. */
export function part(ctx: Ctx, authority: Authority, ...content: Array<Node | null>): HTMLElement {
  const name = authorityName(ctx, authority);
  return h('section', { class: `part part-${authority}`, 'aria-label': name }, h('h3', {}, h('span', { class: `owner owner-${authority}` }, `${ctx.t.heldBy}: ${name}`)), ...content);
}

/** A definition list of label/value rows; rows without a value are left out. */
export function facts(rows: Array<[string, string | null | undefined]>): HTMLElement {
  return h('dl', { class: 'facts' }, rows.filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v!)]).flat());
}
