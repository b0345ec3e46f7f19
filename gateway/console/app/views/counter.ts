import { parseMyNumber, parseResidenceCardNumber } from '../../../../schema/identifiers';
import { run, type ApiError } from '../api';
import { codeMessage, errorBanners, type Ctx } from '../context';
import { fill, h, uid } from '../dom';
import { renderRecord, type PersonRecord } from '../record';
import { actionsPanel } from './counterActions';
import { forgetGuidanceEvent, guidancePanel } from './counterGuidance';

type Unified = { record: PersonRecord | null; arrangement: { cardArrangement: string } | null };
type ByCard = { residenceCard: { number: string; holder: { person: { myNumber: string } | null } | null } | null };

let last: { by: 'myNumber' | 'number'; value: string } | undefined;

/** Forgets the last search: a counter PC's next clerk must not re-run, in their name, the search of the one before. */
export function forgetCounterSearch(): void {
  last = undefined;
  forgetGuidanceEvent();
}

/** Counter staff: find a person by My Number or card number, see the unified record, read the guidance, act on it. */
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
    // The previous person's record and actions go at once: nothing is done to them while the next one loads.
    fill(result);
    await show(last);
  }

  /**
   * Shows the person `query` finds, unless the clerk has searched again (or signed out) meanwhile: an answer that
   * comes back late for the person asked before must not replace the next one's record and actions.
   */
  async function show(query: { by: 'myNumber' | 'number'; value: string }, notice?: HTMLElement): Promise<void> {
    let myNumber = query.by === 'myNumber' ? query.value : undefined;
    const errors: ApiError[] = [];
    if (!myNumber) {
      const found = await run<ByCard>(ctx.session, ctx.language, 'CounterResidenceCard', { number: query.value });
      if (query !== last) return;
      errors.push(...(found.errors ?? []));
      myNumber = found.data?.residenceCard?.holder?.person?.myNumber;
      if (!myNumber) return fill(result, notice, errorBanners(errors), found.data?.residenceCard ? null : h('p', {}, t.notFound));
    }
    const answer = await run<Unified>(ctx.session, ctx.language, 'CounterUnifiedRecord', { myNumber });
    if (query !== last) return;
    errors.push(...(answer.errors ?? []));
    const record = answer.data?.record;
    if (!record) return fill(result, notice, errorBanners(errors), h('p', {}, t.notFound));
    const person: PersonRecord = { ...record, cardArrangement: answer.data?.arrangement?.cardArrangement ?? null };
    fill(result, notice, errorBanners(errors), renderRecord(ctx, person, { pending: true }), guidancePanel(ctx, person.myNumber), actionsPanel(ctx, person, async (outcome) => {
      // The outcome belongs to this person: shown with their record, never above the next person's.
      if (query === last) await show(query, outcome);
    }));
  }

  if (last) void show(last);
}
