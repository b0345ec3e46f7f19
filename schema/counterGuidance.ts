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
  type ResidentClass,
} from './codes';
import { label } from './i18n';

/** One row of an authority's guidance table: a step of one event's procedure, for some classes and arrangements. */
export interface GuidanceRow {
  readonly event: CounterEvent;
  readonly classes: readonly ResidentClass[];
  readonly arrangements: readonly CardArrangement[];
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
    .filter((row) => row.event === key.event && row.classes.includes(key.residentClass) && row.arrangements.includes(key.arrangement))
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
