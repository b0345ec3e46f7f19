import { parseMyNumber, parseResidenceCardNumber } from '../../../../schema/identifiers';
import type { Role } from '../../../../schema/access';
import { run, type ApiError, type OperationName } from '../api';
import { codeMessage, errorBanners, type Ctx } from '../context';
import { fill, h, uid } from '../dom';
import { renderRecord, type PersonRecord } from '../record';
import type { Strings } from '../strings';

/** A counter action: the approved mutation, what it is called, and whether it takes the My Number or the card number. */
interface Action {
  operation: OperationName;
  name: keyof Strings;
  by: 'myNumber' | 'number';
}

/**
 * The actions each counter role is offered (what MUTATION_POLICY lets it do at a counter). Whether this person's
 * record allows it is the authority's decision: a refusal comes back with its reason.
 */
const ACTIONS: Partial<Record<Role, Action[]>> = {
  'isa-officer': [
    { operation: 'ReportResidenceCardLost', name: 'reportLost', by: 'number' },
    { operation: 'ReissueResidenceCard', name: 'reissue', by: 'number' },
    { operation: 'IssueSpecificResidenceCard', name: 'issueSpecific', by: 'myNumber' },
  ],
  'jlis-operator': [
    { operation: 'IssueMyNumberCard', name: 'issueMyNumberCard', by: 'myNumber' },
    { operation: 'RevokeMyNumberFunction', name: 'revokeFunction', by: 'myNumber' },
    { operation: 'SuspendCertificates', name: 'suspendCertificates', by: 'myNumber' },
    { operation: 'ResumeCertificates', name: 'resumeCertificates', by: 'myNumber' },
  ],
  'municipal-clerk': [
    { operation: 'IssueMyNumberCard', name: 'issueMyNumberCard', by: 'myNumber' },
    { operation: 'SuspendCertificates', name: 'suspendCertificates', by: 'myNumber' },
    { operation: 'ResumeCertificates', name: 'resumeCertificates', by: 'myNumber' },
  ],
};

type Unified = { record: PersonRecord | null; arrangement: { cardArrangement: string } | null };
type ByCard = { residenceCard: { number: string; holder: { person: { myNumber: string } | null } | null } | null };

let last: { by: 'myNumber' | 'number'; value: string } | undefined;

/** Forgets the last search: a counter PC's next clerk must not re-run, in their name, the search of the one before. */
export function forgetCounterSearch(): void {
  last = undefined;
}

/** Counter staff: find a person by My Number or card number, see the unified record, act on it. */
export function counterView(root: HTMLElement, ctx: Ctx): void {
  const { t } = ctx;
  const inputId = uid('q');
  const hintId = uid('hint');
  const byName = uid('by');
  const result = h('div', { class: 'result', 'aria-live': 'polite' });
  const hint = h('p', { id: hintId, class: 'hint' });
  const input = h('input', { id: inputId, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': hintId, value: last?.value ?? '', oninput: () => check() });
  const radio = (by: 'myNumber' | 'number', text: string) => {
    const id = uid('by');
    return h('span', { class: 'check' }, h('input', { type: 'radio', name: byName, id, value: by, checked: (last?.by ?? 'myNumber') === by, onchange: () => check() }), h('label', { for: id }, text));
  };
  const form = h(
    'form',
    { class: 'panel search', onsubmit: (e) => { e.preventDefault(); void search(); } },
    h('fieldset', {}, h('legend', {}, t.searchBy), radio('myNumber', t.myNumber), radio('number', t.cardNumber)),
    h('label', { for: inputId }, t.search), input, hint,
    h('button', { type: 'submit' }, t.search),
  );
  fill(root, h('h2', {}, t.counter), form, result);

  const by = () => (form.querySelector<HTMLInputElement>(`input[name="${byName}"]:checked`)?.value ?? 'myNumber') as 'myNumber' | 'number';

  /** Validated as typed: the same rules and the same messages as the API's (schema/identifiers.ts, gateway/i18n). */
  function check(): string | undefined {
    const value = input.value;
    const parsed = by() === 'myNumber' ? parseMyNumber(value) : parseResidenceCardNumber(value);
    // Judged once the number is as long as a complete one, so typing is not interrupted.
    const error = !parsed.ok && value.replace(/\s/g, '').length >= 12 ? codeMessage(ctx, parsed.code) : '';
    hint.textContent = error;
    hint.className = error ? 'hint hint-error' : 'hint';
    input.setAttribute('aria-invalid', error ? 'true' : 'false');
    return parsed.ok ? parsed.value : undefined;
  }

  async function search(): Promise<void> {
    const value = check();
    if (!value) {
      hint.textContent = codeMessage(ctx, by() === 'myNumber' ? 'INVALID_MY_NUMBER_CHECK_DIGIT' : 'INVALID_RESIDENCE_CARD_NUMBER');
      input.focus();
      return;
    }
    last = { by: by(), value };
    await show(last);
  }

  async function show(query: { by: 'myNumber' | 'number'; value: string }, notice?: HTMLElement): Promise<void> {
    let myNumber = query.by === 'myNumber' ? query.value : undefined;
    const errors: ApiError[] = [];
    if (!myNumber) {
      const found = await run<ByCard>(ctx.session, ctx.language, 'CounterResidenceCard', { number: query.value });
      errors.push(...(found.errors ?? []));
      myNumber = found.data?.residenceCard?.holder?.person?.myNumber;
      if (!myNumber) return fill(result, notice, errorBanners(errors), found.data?.residenceCard ? null : h('p', {}, t.notFound));
    }
    const answer = await run<Unified>(ctx.session, ctx.language, 'CounterUnifiedRecord', { myNumber });
    errors.push(...(answer.errors ?? []));
    const record = answer.data?.record;
    if (!record) return fill(result, notice, errorBanners(errors), h('p', {}, t.notFound));
    const person: PersonRecord = { ...record, cardArrangement: answer.data?.arrangement?.cardArrangement ?? null };
    fill(result, notice, errorBanners(errors), renderRecord(ctx, person), actions(person));
  }

  function actions(person: PersonRecord): HTMLElement | null {
    const offered = ACTIONS[ctx.session.role] ?? [];
    if (offered.length === 0) return null;
    return h('section', { class: 'panel actions', 'aria-label': t.actions }, h('h3', {}, t.actions),
      offered.filter((a) => a.by === 'myNumber' || person.residenceCard).map((a) => h('button', { type: 'button', onclick: () => confirmAction(a, person) }, t[a.name])));
  }

  /** A modal dialog (keyboard: focus moves in, Escape cancels) before anything is changed. */
  function confirmAction(action: Action, person: PersonRecord): void {
    const target = action.by === 'myNumber' ? person.myNumber : person.residenceCard!.number;
    const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-title' },
      h('h3', { id: 'confirm-title' }, t[action.name]),
      h('p', {}, `${action.by === 'myNumber' ? t.myNumber : t.cardNumber}: ${target}`),
      h('form', { method: 'dialog' },
        h('button', { value: 'cancel', autofocus: true }, t.cancel),
        h('button', { value: 'confirm', class: 'danger' }, t.confirm)));
    document.body.append(dialog);
    dialog.addEventListener('close', () => {
      const confirmed = dialog.returnValue === 'confirm';
      dialog.remove();
      if (confirmed) void perform(action, target);
    });
    dialog.showModal();
  }

  async function perform(action: Action, target: string): Promise<void> {
    const answer = await run(ctx.session, ctx.language, action.operation, { [action.by]: target });
    const refusal = answer.errors?.[0];
    const notice = refusal
      ? h('p', { class: 'banner banner-error', role: 'alert' }, h('strong', {}, `${t.refused}: `), refusal.message, refusal.extensions?.code ? h('code', {}, ` ${refusal.extensions.code}`) : null)
      : h('p', { class: 'banner banner-ok', role: 'status' }, `${t[action.name]}: ${t.done}`);
    if (last) await show(last, notice);
  }

  if (last) void show(last);
}
