import { COUNTER_EVENTS, type CounterEvent } from '../../../../schema/codes';
import { run } from '../api';
import { codeLabel, errorBanners, type Ctx } from '../context';
import { fill, h, uid } from '../dom';
import { format } from '../strings';

/** The API's authority of a step, as the console's owner marks name it. */
const OWNER = { IMMIGRATION: 'immigration', REGISTRY: 'registry', MYNUMBER: 'mynumber' } as const;

/** One step as the approved operation CounterGuidance asks for it, every label in the asked language. */
interface Step {
  order: number;
  authority: keyof typeof OWNER;
  authorityLabel: string;
  counterLabel: string;
  actionLabel: string;
  deadlineDays: number | null;
  bring: Array<{ document: string; label: string }>;
  basis: string;
}

interface Guidance {
  eventLabel: string;
  arrangementLabel: string;
  notApplicableLabel: string | null;
  notApplicableBasis: string | null;
  steps: Step[] | null;
  immigrationSteps: Step[] | null;
  registrySteps: Step[] | null;
  jlisSteps: Step[] | null;
}

let chosen: CounterEvent | undefined;

/** Forgets the chosen event (with the search, when the clerk signs out). */
export function forgetGuidanceEvent(): void {
  chosen = undefined;
}

/**
 * Counter guidance for the person shown (docs/counter-guidance.md): the clerk picks the event, the authorities answer
 * which of them does what, where, by when and with what, in the page's language. The event stays chosen when the
 * language changes, so the same procedure is asked again in the new one.
 */
export function guidancePanel(ctx: Ctx, myNumber: string): HTMLElement {
  const { t } = ctx;
  const selectId = uid('event');
  const titleId = uid('guidance');
  const answer = h('div', { class: 'guidance-answer', 'aria-live': 'polite' });
  const select = h('select', { id: selectId, required: true },
    h('option', { value: '' }, '—'),
    COUNTER_EVENTS.map((e) => h('option', { value: e, selected: e === chosen }, codeLabel(ctx, 'CounterEvent', e))));
  let asked = 0;
  const ask = async (): Promise<void> => {
    const event = chosen;
    if (!event) return;
    const mine = ++asked;
    const result = await run<{ person: { counterGuidance: Guidance | null } | null }>(ctx.session, ctx.language, 'CounterGuidance', { myNumber, event, language: ctx.language });
    // Asked again meanwhile (another event): only the latest answer is shown, so the steps are the chosen event's.
    if (mine !== asked) return;
    const guidance = result.data?.person?.counterGuidance;
    fill(answer, errorBanners(result.errors), guidance ? renderGuidance(ctx, guidance) : null);
  };
  const panel = h('section', { class: 'panel guidance', 'aria-labelledby': titleId },
    h('h3', { id: titleId }, t.guidance),
    h('form', { class: 'guidance-ask', onsubmit: (e) => { e.preventDefault(); chosen = (select.value || undefined) as CounterEvent | undefined; void ask(); } },
      h('label', { for: selectId }, t.guidanceEvent), select, h('button', { type: 'submit' }, t.showGuidance)),
    answer);
  void ask();
  return panel;
}

function renderGuidance(ctx: Ctx, g: Guidance): HTMLElement {
  const { t } = ctx;
  // With one authority down, `steps` is null: the others' own lists still say what they can, in order.
  const steps = g.steps ?? [...(g.immigrationSteps ?? []), ...(g.registrySteps ?? []), ...(g.jlisSteps ?? [])].sort((a, b) => a.order - b.order);
  return h('div', {},
    h('h4', {}, `${g.eventLabel} — ${g.arrangementLabel}`),
    g.notApplicableLabel
      ? h('p', { class: 'not-applicable' }, g.notApplicableLabel, g.notApplicableBasis ? h('span', { class: 'note' }, ` (${t.basis}: ${g.notApplicableBasis})`) : null)
      : null,
    steps.length
      ? h('ol', { class: 'steps' }, steps.map((s) =>
          h('li', { class: `step step-${OWNER[s.authority]}` },
            h('p', { class: 'step-action' }, s.actionLabel),
            h('p', { class: 'step-where' }, h('span', { class: `owner owner-${OWNER[s.authority]}` }, s.authorityLabel), `: ${s.counterLabel}`),
            s.deadlineDays !== null ? h('p', { class: 'step-deadline' }, format(t.withinDays, { days: s.deadlineDays })) : null,
            s.bring.length ? h('div', { class: 'step-bring' }, h('span', {}, `${t.bring}:`), h('ul', {}, s.bring.map((b) => h('li', {}, b.label)))) : null,
            h('p', { class: 'step-basis note' }, `${t.basis}: ${s.basis}`))))
      : null);
}
