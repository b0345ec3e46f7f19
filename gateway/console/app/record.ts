import type { Authority } from '../../../runtime/authority';
import { authorityName, codeLabel, facts, part, type Ctx } from './context';
import { h } from './dom';
import { format } from './strings';

/** The unified record as the counter and resident operations ask for it (fields either may leave out are optional). */
export interface PersonRecord {
  myNumber: string;
  cardArrangement?: string | null;
  resident?: {
    familyName: string;
    givenName: string;
    birthDate: string;
    sex: string;
    category: string;
    municipality?: { code: string; name: string; prefectureName: string } | null;
    address?: { line: string; movedInOn: string } | null;
    addressHistory?: Array<{ line: string; movedInOn: string; movedOutOn: string | null }> | null;
  } | null;
  immigration?: {
    residentClass: string;
    nationality?: { code: string; kind: string } | null;
    statusOfResidence?: string | null;
    periodOfStay?: string | null;
    stayExpiresOn?: string | null;
    workRestriction?: string | null;
    activityOutsideStatus?: string | null;
    permission?: { kind: string; date: string } | null;
    specificCardEligibility?: { eligibility: string; reason: string } | null;
  } | null;
  residenceCard?: {
    number: string;
    kind: string;
    status: string;
    issuedOn?: string | null;
    validUntil?: string | null;
    lossReportedOn?: string | null;
    myNumberFunctionEndedOn?: string | null;
    shows?: Array<{ item: string; presence: string; note: string | null }> | null;
  } | null;
  myNumberCard?: {
    kind: string;
    status: string;
    statusReason?: string | null;
    validUntil?: string | null;
    functions?: Array<{ function: string; status: string; validUntil: string | null }> | null;
  } | null;
  /** Null when an authority did not answer. */
  pendingChanges?: PendingChange[] | null;
}

export interface PendingChange {
  event: string;
  from: string;
  to: string;
  since: string;
  parked: boolean;
}

/** (a), (b), (c) as DESIGN.md names the arrangements. */
const ARRANGEMENT_MARK: Record<string, string> = { SPECIFIC_CARD: '(a)', SEPARATE_CARDS: '(b)', RESIDENCE_CARD_ONLY: '(c)', NONE: '—' };

/**
 * Partial invalidation (部分失効): the residence card is still in force, its loss is recorded, and its My Number
 * function has ended.
 */
export function partiallyInvalidated(p: PersonRecord): boolean {
  const card = p.residenceCard;
  if (!card || card.status !== 'VALID' || !card.lossReportedOn) return false;
  const mn = p.myNumberCard;
  return Boolean(card.myNumberFunctionEndedOn) || mn?.status === 'REVOKED' || Boolean(mn?.functions?.some((f) => f.function === 'CARD_FUNCTION' && f.status === 'REVOKED'));
}

/**
 * The unified record: the arrangement, then each part under the authority that owns it, the card drawn as a card;
 * for staff (`pending`), the changes still in flight between authorities.
 */
export function renderRecord(ctx: Ctx, p: PersonRecord, options: { pending?: boolean } = {}): HTMLElement {
  const { t } = ctx;
  const partial = partiallyInvalidated(p);
  const arrangement = p.cardArrangement;
  return h(
    'article',
    { class: 'record', 'aria-label': p.resident ? `${p.resident.familyName} ${p.resident.givenName}` : p.myNumber },
    arrangement
      ? h('p', { class: `arrangement arrangement-${arrangement}` }, `${t.arrangement}: `, h('strong', {}, `${ARRANGEMENT_MARK[arrangement] ?? ''} ${codeLabel(ctx, 'CardArrangement', arrangement)}`))
      : null,
    partial ? h('p', { class: 'banner banner-partial', role: 'alert' }, h('strong', {}, '⚠ '), t.partialInvalidation) : null,
    options.pending ? pendingPanel(ctx, p.pendingChanges ?? null) : null,
    p.residenceCard ? drawCard(ctx, p, partial) : null,
    p.resident
      ? part(ctx, 'registry', facts([
          [codeLabel(ctx, 'CardItem', 'NAME'), `${p.resident.familyName} ${p.resident.givenName}`],
          [codeLabel(ctx, 'CardItem', 'BIRTH_DATE'), p.resident.birthDate],
          [codeLabel(ctx, 'CardItem', 'SEX'), codeLabel(ctx, 'Sex', p.resident.sex)],
          ['', codeLabel(ctx, 'ResidentCategory', p.resident.category)],
          [codeLabel(ctx, 'CardItem', 'ADDRESS'), p.resident.address ? `${p.resident.municipality?.prefectureName ?? ''}${p.resident.municipality?.name ?? ''} ${p.resident.address.line}` : null],
        ]))
      : null,
    p.immigration
      ? part(ctx, 'immigration', facts([
          [codeLabel(ctx, 'CardItem', 'NATIONALITY_REGION'), p.immigration.nationality ? codeLabel(ctx, 'Nationality', p.immigration.nationality.code) : null],
          ['', codeLabel(ctx, 'ResidentClass', p.immigration.residentClass)],
          [codeLabel(ctx, 'CardItem', 'STATUS_OF_RESIDENCE'), p.immigration.statusOfResidence ? codeLabel(ctx, 'StatusOfResidence', p.immigration.statusOfResidence) : null],
          [codeLabel(ctx, 'CardItem', 'PERIOD_OF_STAY'), p.immigration.stayExpiresOn],
          [codeLabel(ctx, 'CardItem', 'WORK_RESTRICTION'), p.immigration.workRestriction ? codeLabel(ctx, 'WorkRestriction', p.immigration.workRestriction) : null],
          [codeLabel(ctx, 'CardItem', 'ACTIVITY_OUTSIDE_STATUS'), p.immigration.activityOutsideStatus ? codeLabel(ctx, 'ActivityOutsideStatusPermission', p.immigration.activityOutsideStatus) : null],
          ['', p.immigration.specificCardEligibility ? `${codeLabel(ctx, 'Eligibility', p.immigration.specificCardEligibility.eligibility)} (${codeLabel(ctx, 'EligibilityReason', p.immigration.specificCardEligibility.reason)})` : null],
        ]))
      : null,
    p.myNumberCard
      ? part(ctx, 'mynumber', facts([
          ['', codeLabel(ctx, 'MyNumberCardKind', p.myNumberCard.kind)],
          [codeLabel(ctx, 'CardItem', 'MY_NUMBER'), p.myNumber],
          ['', codeLabel(ctx, 'MyNumberCardStatus', p.myNumberCard.status)],
          [codeLabel(ctx, 'CardItem', 'CARD_EXPIRY'), p.myNumberCard.validUntil],
          ...(p.myNumberCard.functions ?? []).map((f): [string, string] => [codeLabel(ctx, 'CardFunction', f.function), `${codeLabel(ctx, 'CardFunctionStatus', f.status)}${f.validUntil ? ` (${f.validUntil})` : ''}`]),
        ]))
      : null,
  );
}

/**
 * The changes to this person one authority recorded and another has not applied yet: the record may be about to
 * change, so the counter sees which authority sent what, and since when; unknown when an authority did not answer.
 */
function pendingPanel(ctx: Ctx, changes: PendingChange[] | null): HTMLElement {
  const { t } = ctx;
  const state = changes === null ? 'unknown' : changes.length === 0 ? 'none' : 'some';
  return h(
    'section',
    { class: `pending pending-${state}`, 'aria-label': t.pendingChanges },
    h('h3', {}, t.pendingChanges),
    changes === null
      ? h('p', {}, t.pendingUnknown)
      : changes.length === 0
        ? h('p', {}, t.nonePending)
        : h('ul', {}, changes.map((c) =>
            h('li', { class: c.parked ? 'pending-parked' : undefined },
              format(t.pendingChange, { event: c.event, from: authorityName(ctx, c.from as Authority), to: authorityName(ctx, c.to as Authority), since: japanTime(c.since) }),
              c.parked ? h('strong', {}, ` ${t.pendingParked}`) : null))),
  );
}

/** A timestamp as the clock reads at the counter: Japan time (no daylight saving), to the minute. */
function japanTime(iso: string): string {
  return new Date(Date.parse(iso) + 9 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** The residence card drawn as a card, front and back, from the ISA's record (and the My Number for a specific card). */
function drawCard(ctx: Ctx, p: PersonRecord, partial: boolean): HTMLElement {
  const card = p.residenceCard!;
  const im = p.immigration;
  const specific = card.kind.startsWith('SPECIFIC');
  const item = (code: string) => codeLabel(ctx, 'CardItem', code);
  const row = (code: string, value: string | null | undefined) => (value ? h('div', { class: 'card-row' }, h('span', { class: 'card-key' }, item(code)), h('span', { class: 'card-value' }, value)) : null);
  const statusClass = card.status === 'VALID' ? 'card-valid' : 'card-ended';
  return h(
    'figure',
    { class: `card-pair ${statusClass}` },
    h('figcaption', {}, codeLabel(ctx, 'ResidenceCardKind', card.kind), ' — ', codeLabel(ctx, 'ResidenceCardStatus', card.status), h('span', { class: 'owner owner-immigration' }, ` ${ctx.t.heldBy}: ${authorityName(ctx, 'immigration')}`)),
    h('div', { class: 'card card-front', role: 'group', 'aria-label': ctx.t.front },
      h('div', { class: 'card-title' }, codeLabel(ctx, 'ResidenceCardKind', card.kind)),
      h('div', { class: 'card-photo', 'aria-hidden': 'true' }),
      row('NAME', p.resident ? `${p.resident.familyName} ${p.resident.givenName}` : null),
      row('NATIONALITY_REGION', im?.nationality ? codeLabel(ctx, 'Nationality', im.nationality.code) : null),
      row('ADDRESS', p.resident?.address?.line),
      row('STATUS_OF_RESIDENCE', im?.statusOfResidence ? codeLabel(ctx, 'StatusOfResidence', im.statusOfResidence) : null),
      specific ? null : row('PERIOD_OF_STAY', im?.stayExpiresOn),
      row('WORK_RESTRICTION', im?.workRestriction ? codeLabel(ctx, 'WorkRestriction', im.workRestriction) : null),
      specific ? row('ACTIVITY_OUTSIDE_STATUS', im?.activityOutsideStatus ? codeLabel(ctx, 'ActivityOutsideStatusPermission', im.activityOutsideStatus) : null) : null,
      row('CARD_NUMBER', card.number),
      row('CARD_EXPIRY', card.validUntil),
      card.lossReportedOn ? h('div', { class: 'card-stamp' }, `${ctx.t.reportLost}: ${card.lossReportedOn}`) : null,
    ),
    h('div', { class: 'card card-back', role: 'group', 'aria-label': ctx.t.back },
      h('div', { class: 'card-title' }, ctx.t.back),
      specific ? row('MY_NUMBER', p.myNumber) : null,
      specific ? null : row('ACTIVITY_OUTSIDE_STATUS', im?.activityOutsideStatus ? codeLabel(ctx, 'ActivityOutsideStatusPermission', im.activityOutsideStatus) : null),
      h('div', { class: 'card-chip', 'aria-hidden': 'true' }),
      partial ? h('div', { class: 'card-stamp card-stamp-revoked' }, `${item('MY_NUMBER')}: ${codeLabel(ctx, 'CardFunctionStatus', 'REVOKED')}`) : null,
    ),
  );
}
