/**
 * Counter guidance (issue 18): for a person and an event, which authority handles which step, in which order, at
 * which counter, by when and with what. Each authority keeps the rows of the steps it owns as a table in its own
 * subgraph (rules/counterGuidance.ts); the ISA composes the three into one procedure. This file is the contract the
 * three tables share: the row, the step as answered, and the lookup.
 *
 * `order` is the step's place in the whole procedure, across authorities: the tables agree on it, and
 * test/guidance/procedures.test.ts checks every procedure's steps run 1..n with no gap and no repeat.
 */
import {
  LANGUAGES,
  type CardArrangement,
  type CounterAction,
  type CounterAuthority,
  type CounterDocument,
  type CounterEvent,
  type CounterKind,
  type Language,
  type NotApplicableReason,
  type ResidentClass,
  type StayKind,
} from './codes';
import { label } from './i18n';

/** One row of an authority's guidance table: a step of one event's procedure, for some classes and arrangements. */
export interface GuidanceRow {
  readonly event: CounterEvent;
  readonly classes: readonly ResidentClass[];
  readonly arrangements: readonly CardArrangement[];
  /** The kinds of stay the row applies to; every kind when absent (most steps do not depend on the period of stay). */
  readonly stayKinds?: readonly StayKind[];
  readonly order: number;
  readonly action: CounterAction;
  readonly counter: CounterKind;
  /** Days the law allows, counted from the day of the event (e.g. 14 from learning of a loss); null when none. */
  readonly deadlineDays: number | null;
  readonly bring: readonly CounterDocument[];
  /** The law or published guidance the row rests on (answered as `basis`). */
  readonly basis: string;
}

/** What a procedure depends on: the entity key of CounterGuidance. */
export interface GuidanceKey {
  event: CounterEvent;
  arrangement: CardArrangement;
  residentClass: ResidentClass;
  /** Whether there is a period of stay, and whether the card ends with it: coarse, no personal data. */
  stayKind: StayKind;
  language: Language;
}

/** A step as the API answers it: codes with their labels in the key's language. */
export interface CounterStep {
  order: number;
  authority: CounterAuthority;
  authorityLabel: string;
  counter: CounterKind;
  counterLabel: string;
  action: CounterAction;
  actionLabel: string;
  deadlineDays: number | null;
  bring: { document: CounterDocument; label: string }[];
  basis: string;
}

/** Whether a language tag is one of ours (the key carries it, so every authority labels in the same language). */
export function isLanguage(tag: string): tag is Language {
  return (LANGUAGES as readonly string[]).includes(tag);
}

/** The rows of one table that apply to a key, in procedure order. */
export function rowsFor(table: readonly GuidanceRow[], key: Omit<GuidanceKey, 'language'>): GuidanceRow[] {
  return table
    .filter(
      (row) =>
        row.event === key.event &&
        row.classes.includes(key.residentClass) &&
        row.arrangements.includes(key.arrangement) &&
        (row.stayKinds === undefined || row.stayKinds.includes(key.stayKind)),
    )
    .sort((a, b) => a.order - b.order);
}

/** One authority's steps for a key, labelled in the key's language. */
export function stepsFor(authority: CounterAuthority, table: readonly GuidanceRow[], key: GuidanceKey): CounterStep[] {
  const lang = key.language;
  return rowsFor(table, key).map((row) => ({
    order: row.order,
    authority,
    authorityLabel: label('CounterAuthority', authority, lang),
    counter: row.counter,
    counterLabel: label('CounterKind', row.counter, lang),
    action: row.action,
    actionLabel: label('CounterAction', row.action, lang),
    deadlineDays: row.deadlineDays,
    bring: row.bring.map((document) => ({ document, label: label('CounterDocument', document, lang) })),
    basis: row.basis,
  }));
}

/** The whole procedure: every authority's steps, in order. */
export function mergeSteps(...parts: readonly (readonly CounterStep[])[]): CounterStep[] {
  return parts.flat().sort((a, b) => a.order - b.order);
}

/** The classes that hold a residence card or a special permanent resident certificate, and so have the three arrangements. */
export const MID_TO_LONG_TERM: readonly ResidentClass[] = ['MID_TO_LONG_TERM'];
export const SPECIAL_PERMANENT: readonly ResidentClass[] = ['SPECIAL_PERMANENT'];
export const CARD_HOLDERS: readonly ResidentClass[] = ['MID_TO_LONG_TERM', 'SPECIAL_PERMANENT'];

/** Arrangements by what the resident carries. */
export const A: readonly CardArrangement[] = ['SPECIFIC_CARD'];
export const B: readonly CardArrangement[] = ['SEPARATE_CARDS'];
export const B_OR_C: readonly CardArrangement[] = ['SEPARATE_CARDS', 'RESIDENCE_CARD_ONLY'];
export const C: readonly CardArrangement[] = ['RESIDENCE_CARD_ONLY'];

/** Kinds of stay, for the rows that depend on them. */
export const HAS_PERIOD: readonly StayKind[] = ['WITH_PERIOD', 'WITH_PERIOD_CARD_ENDS_FIRST'];
/** A card with its own validity (7 years, or the 16th birthday), renewed by 入管法19条の11. */
export const CARD_HAS_OWN_VALIDITY: readonly StayKind[] = ['WITHOUT_PERIOD', 'WITH_PERIOD_CARD_ENDS_FIRST'];

/** The statuses of residence with no period of stay (入管法施行規則別表第二: 無期限). */
export const STATUSES_WITHOUT_PERIOD: readonly string[] = ['PERMANENT_RESIDENT', 'HIGHLY_SKILLED_PROFESSIONAL_2'];

/**
 * The kind of stay of a person, from what the ISA holds: a special permanent resident or a status without a period of
 * stay has none; with a period, the card ends with it unless it ends first, the day before the 16th birthday (入管法19条の5第1項3号・4号).
 */
export function stayKindOf(person: {
  residentClass: string;
  statusOfResidence: string | null;
  stayExpiresOn: string | null;
  cardValidUntil: string | null;
}): StayKind {
  if (person.residentClass === 'SPECIAL_PERMANENT') return 'WITHOUT_PERIOD';
  if (person.statusOfResidence !== null && STATUSES_WITHOUT_PERIOD.includes(person.statusOfResidence)) return 'WITHOUT_PERIOD';
  if (person.stayExpiresOn !== null && person.cardValidUntil !== null && person.cardValidUntil < person.stayExpiresOn) {
    return 'WITH_PERIOD_CARD_ENDS_FIRST';
  }
  return 'WITH_PERIOD';
}

/** Why an event has no steps, with its basis: answered instead of an empty list a clerk cannot tell from an error. */
export interface NotApplicable {
  reason: NotApplicableReason;
  basis: string;
}

export const NOT_APPLICABLE_BASIS: Record<NotApplicableReason, string> = {
  NO_PERIOD_OF_STAY: '永住者・高度専門職2号の在留期間は無期限（入管法施行規則別表第二）、特別永住者に在留期間はない（入管特例法）: 在留期間の更新（入管法21条）の対象でない; カードは有効期間の更新（入管法19条の11、入管特例法11条）',
  NO_STATUS_OF_RESIDENCE: '特別永住者は入管特例法上の地位で在留資格をもたない: 在留資格の変更（入管法20条）の対象でない',
  CARD_ENDS_WITH_PERIOD_OF_STAY: '入管法19条の5第1項3号: 在留カードの有効期間は在留期間の満了日; 19条の11第1項: 有効期間が在留期間の満了日までの者は有効期間更新の対象外、在留期間の更新（21条）で新しいカードが交付される',
  NO_MY_NUMBER_FUNCTION: '在留カードのみ: マイナンバーカードも特定在留カードのマイナンバー機能もない',
  NO_CARD_IN_FORCE: '在留カード・特別永住者証明書の交付対象でない、又は効力のあるカードがない（入管法19条の3、19条の14）',
};

/**
 * Whether the event applies to the key, and if not why. test/guidance/procedures.test.ts checks that a procedure has
 * no steps exactly when this gives a reason.
 */
export function notApplicableFor(key: Omit<GuidanceKey, 'language'>): NotApplicable | null {
  const reason = ((): NotApplicableReason | null => {
    if (key.arrangement === 'NONE' || !CARD_HOLDERS.includes(key.residentClass)) return 'NO_CARD_IN_FORCE';
    if (key.event === 'RENEWAL' && (key.stayKind === 'WITHOUT_PERIOD' || key.residentClass === 'SPECIAL_PERMANENT')) {
      return 'NO_PERIOD_OF_STAY';
    }
    if (key.event === 'CHANGE_OF_STATUS' && key.residentClass === 'SPECIAL_PERMANENT') return 'NO_STATUS_OF_RESIDENCE';
    if (key.event === 'CARD_EXPIRY' && key.residentClass === 'MID_TO_LONG_TERM' && key.stayKind === 'WITH_PERIOD') {
      return 'CARD_ENDS_WITH_PERIOD_OF_STAY';
    }
    if (
      (key.event === 'MY_NUMBER_FUNCTION_EXPIRY' || key.event === 'RETURN_OF_FUNCTION') &&
      key.arrangement === 'RESIDENCE_CARD_ONLY'
    ) {
      return 'NO_MY_NUMBER_FUNCTION';
    }
    return null;
  })();
  return reason ? { reason, basis: NOT_APPLICABLE_BASIS[reason] } : null;
}
