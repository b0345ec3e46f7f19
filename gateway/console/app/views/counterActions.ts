import { STATUSES_OF_RESIDENCE } from '../../../../schema/codes';
import type { Role } from '../../../../schema/access';
import { run, type ApiError, type OperationName } from '../api';
import { codeLabel, type Ctx } from '../context';
import { h, uid } from '../dom';
import type { PersonRecord } from '../record';
import type { Strings } from '../strings';

/** What a clerk types for an action besides the person: a date, a status of residence, a municipality code, a line of text. */
interface Field {
  /** The operation's variable. */
  name: string;
  label: keyof Strings;
  kind: 'date' | 'status' | 'municipality' | 'text';
  /** For an optional field (sent as null when left empty): the hint saying what leaving it empty means. */
  optional?: keyof Strings;
}

/** A counter action: the approved mutation, what it is called, what names the person, and what else it takes. */
interface Action {
  operation: OperationName;
  name: keyof Strings;
  by: 'myNumber' | 'number';
  fields?: Field[];
  /** Variables the session gives rather than the clerk (a clerk acts for their own municipality). */
  fromSession?: (ctx: Ctx) => Record<string, string | undefined>;
}

const NEW_EXPIRY: Field = { name: 'newExpiry', label: 'newExpiry', kind: 'date' };

/**
 * The actions each counter role is offered (what MUTATION_POLICY lets it do at a counter). Whether this person's
 * record allows it is the authority's decision: a refusal comes back with its reason.
 */
const ACTIONS: Partial<Record<Role, Action[]>> = {
  'isa-officer': [
    { operation: 'ReportResidenceCardLost', name: 'reportLost', by: 'number' },
    { operation: 'ReissueResidenceCard', name: 'reissue', by: 'number' },
    { operation: 'IssueSpecificResidenceCard', name: 'issueSpecific', by: 'myNumber' },
    { operation: 'RenewPeriodOfStay', name: 'renewStay', by: 'myNumber', fields: [NEW_EXPIRY] },
    {
      operation: 'ChangeStatusOfResidence',
      name: 'changeStatus',
      by: 'myNumber',
      fields: [{ name: 'status', label: 'newStatus', kind: 'status' }, { ...NEW_EXPIRY, optional: 'noEndHint' }],
    },
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
    {
      operation: 'ChangeAddress',
      name: 'changeAddress',
      by: 'myNumber',
      fields: [{ name: 'addressLine', label: 'addressLine', kind: 'text' }, { name: 'movedOn', label: 'moveDate', kind: 'date' }],
      fromSession: (ctx) => ({ municipalityCode: ctx.session.municipality }),
    },
    {
      operation: 'RecordMoveOut',
      name: 'recordMoveOut',
      by: 'myNumber',
      fields: [{ name: 'destinationMunicipalityCode', label: 'destination', kind: 'municipality' }, { name: 'movedOutOn', label: 'moveDate', kind: 'date' }],
    },
  ],
};

/** What an action did: shown above the record as it is read again afterwards. */
export type AfterAction = (notice: HTMLElement) => Promise<void>;

/**
 * The role's actions on the person shown: a button for those that take only the person, a small form for those that
 * take more. Each is confirmed in a dialog before anything changes.
 */
export function actionsPanel(ctx: Ctx, person: PersonRecord, after: AfterAction): HTMLElement | null {
  const { t } = ctx;
  const offered = (ACTIONS[ctx.session.role] ?? []).filter((a) => a.by === 'myNumber' || person.residenceCard);
  if (offered.length === 0) return null;
  const target = (a: Action) => (a.by === 'myNumber' ? person.myNumber : person.residenceCard!.number);
  const simple = offered.filter((a) => !a.fields);
  return h('section', { class: 'panel actions', 'aria-label': t.actions }, h('h3', {}, t.actions),
    simple.length ? h('div', { class: 'action-buttons' }, simple.map((a) => h('button', { type: 'button', onclick: () => confirmThen(ctx, a, target(a), [], after) }, t[a.name]))) : null,
    offered.filter((a) => a.fields).map((a) => actionForm(ctx, a, target(a), after)));
}

/** An action's form: native labelled inputs, checked by the browser before the dialog (required fields, date format). */
function actionForm(ctx: Ctx, action: Action, target: string, after: AfterAction): HTMLElement {
  const { t } = ctx;
  const titleId = uid('action');
  const inputs = action.fields!.map((field) => ({ field, input: fieldInput(ctx, field) }));
  return h('form', {
    class: 'action-form',
    'aria-labelledby': titleId,
    onsubmit: (e) => {
      e.preventDefault();
      confirmThen(ctx, action, target, inputs.map(({ field, input }) => ({ field, value: input.value.trim() })), after);
    },
  },
  h('h4', { id: titleId }, t[action.name]),
  inputs.map(({ field, input }) => {
    const hint = field.optional ? h('p', { id: uid('hint'), class: 'hint' }, t[field.optional]) : null;
    if (hint) input.setAttribute('aria-describedby', hint.id);
    return h('div', { class: 'field' }, h('label', { for: input.id }, t[field.label]), input, hint);
  }),
  h('button', { type: 'submit' }, t[action.name]));
}

function fieldInput(ctx: Ctx, field: Field): HTMLInputElement | HTMLSelectElement {
  const id = uid(field.name);
  const required = !field.optional;
  switch (field.kind) {
    case 'date':
      return h('input', { id, type: 'date', required, autocomplete: 'off' });
    case 'status':
      return h('select', { id, required },
        h('option', { value: '' }, '—'),
        [...STATUSES_OF_RESIDENCE].map((s) => ({ s, text: codeLabel(ctx, 'StatusOfResidence', s) }))
          .sort((a, b) => a.text.localeCompare(b.text, ctx.language))
          .map(({ s, text }) => h('option', { value: s }, text)));
    case 'municipality':
      // 全国地方公共団体コード: six digits, the last a check digit; the registry names an unknown one.
      return h('input', { id, required, inputmode: 'numeric', pattern: '[0-9]{6}', maxlength: '6', autocomplete: 'off', spellcheck: 'false' });
    case 'text':
      return h('input', { id, required, maxlength: '200', autocomplete: 'off' });
  }
}

/** A modal dialog (keyboard: focus moves in, Escape cancels) naming the person and every value before anything is changed. */
function confirmThen(ctx: Ctx, action: Action, target: string, values: Array<{ field: Field; value: string }>, after: AfterAction): void {
  const { t } = ctx;
  const shown = (field: Field, value: string) => (value === '' ? '—' : field.kind === 'status' ? codeLabel(ctx, 'StatusOfResidence', value) : value);
  const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-title' },
    h('h3', { id: 'confirm-title' }, t[action.name]),
    h('dl', { class: 'facts' },
      h('dt', {}, action.by === 'myNumber' ? t.myNumber : t.cardNumber), h('dd', {}, target),
      values.flatMap(({ field, value }) => [h('dt', {}, t[field.label]), h('dd', {}, shown(field, value))])),
    h('form', { method: 'dialog' },
      h('button', { value: 'cancel', autofocus: true }, t.cancel),
      h('button', { value: 'confirm', class: 'danger' }, t.confirm)));
  document.body.append(dialog);
  dialog.addEventListener('close', () => {
    const confirmed = dialog.returnValue === 'confirm';
    dialog.remove();
    if (!confirmed) return;
    const variables: Record<string, unknown> = { ...action.fromSession?.(ctx), [action.by]: target };
    for (const { field, value } of values) variables[field.name] = value === '' ? null : value;
    void perform(ctx, action, variables, after);
  });
  dialog.showModal();
}

async function perform(ctx: Ctx, action: Action, variables: Record<string, unknown>, after: AfterAction): Promise<void> {
  const answer = await run(ctx.session, ctx.language, action.operation, variables);
  await after(outcome(ctx.t, action, answer.errors?.[0]));
}

/** The authority's refusal (its message in the page's language, and its code), or that it was done. */
function outcome(t: Strings, action: Action, refusal: ApiError | undefined): HTMLElement {
  return refusal
    ? h('p', { class: 'banner banner-error', role: 'alert' }, h('strong', {}, `${t.refused}: `), refusal.message, refusal.extensions?.code ? h('code', {}, ` ${refusal.extensions.code}`) : null)
    : h('p', { class: 'banner banner-ok', role: 'status' }, `${t[action.name]}: ${t.done}`);
}
