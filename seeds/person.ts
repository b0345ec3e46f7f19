/** One synthetic person: a drawn profile (who they are), then the rows each authority keeps about them. */
import type { ActivityOutsideStatusPermission, NationalityCode, PermissionKind, ResidentClass, Sex, StatusOfResidence } from '../schema/codes';
import { addDays, addYears, ageOn } from '../schema/dates';
import { holdsResidenceCard, specificCardKindFor } from '../subgraphs/immigration/rules/eligibility';
import { myNumberFunctionFollowsStay } from '../subgraphs/mynumber/rules/myNumberCardValidity';
import { myNumberCards, residenceCards } from './cards';
import { MY_NUMBER_CARD_HELD } from '../subgraphs/immigration/rules/cardArrangement';
import {
  COMPREHENSIVE_ACTIVITY_OUTSIDE_STATUS,
  INDIVIDUAL_ACTIVITY_OUTSIDE_STATUS,
  MY_NUMBER_START,
  PUBLISHED,
  SPECIFIC_CARD_SHARE,
  SPECIFIC_CARD_START,
} from './distributions';
import { myNumberOf, residentRecordCodeOf, rowId } from './keys';
import { municipalityByCode, type Municipality } from './municipalities';
import { addressLine, personName } from './names';
import { toDayNumber, type Random } from './random';
import type { AddressRow, SyntheticPerson } from './rows';
import {
  anyNationality,
  maleProbability,
  mtlStatus,
  nationalityByStatus,
  pickAgeBand,
  pickMunicipality,
  pickMunicipalityNear,
  sprNationality,
} from './samplers';
import { dateBetween, earlier, later, midToLongTermStay, registeredOn, specialPermanentStay, statuslessStay, type Stay } from './stay';

/** Which My Number card a person holds: none, a standalone card (b), or the My Number part of a specific card (a). */
export type MyNumberCardChoice = 'NONE' | 'STANDALONE' | 'SPECIFIC';

/** Who a person is, before any row exists; personas override fields of a drawn profile. */
export interface Profile {
  key: number;
  residentClass: ResidentClass;
  hasResidentRecord: boolean;
  nationality: NationalityCode;
  sex: Sex;
  birthDate: string;
  statusOfResidence: StatusOfResidence | null;
  municipality: Municipality;
  myNumberCard: MyNumberCardChoice;
  activityOutsideStatus: ActivityOutsideStatusPermission | null;
  /** Fix the period of stay, the permission (and an extension's old end) instead of drawing them (personas). */
  periodOfStay?: string;
  permissionDate?: string;
  permissionKind?: PermissionKind;
  previousStayExpiresOn?: string;
}

/** What the generator decides by exact apportionment rather than by chance. */
export interface Apportioned {
  key: number;
  residentClass: ResidentClass;
  hasResidentRecord: boolean;
  otherSex: boolean;
}

/** Share of My Number card holders holding a specific card on `asOf` (see SPECIFIC_CARD_SHARE). */
export function specificCardShare(asOf: string): number {
  const elapsed = toDayNumber(asOf) - toDayNumber(SPECIFIC_CARD_START);
  if (elapsed < 0) return 0;
  const reference = toDayNumber(SPECIFIC_CARD_SHARE.at) - toDayNumber(SPECIFIC_CARD_START);
  return Math.min(SPECIFIC_CARD_SHARE.cap, (SPECIFIC_CARD_SHARE.share * elapsed) / reference);
}

/** A birth date for an age drawn from the status's age bands (or for the statusless classes). */
function drawBirthDate(random: Random, residentClass: ResidentClass, status: StatusOfResidence | null, asOf: string): string {
  if (residentClass === 'TRANSITIONAL_AFTER_BIRTH') return random.date(addDays(asOf, -59), asOf);
  if (residentClass === 'TRANSITIONAL_AFTER_LOSS_OF_NATIONALITY') return random.date(addYears(asOf, -40), addYears(asOf, -1));
  if (residentClass === 'TEMPORARY_REFUGE' || residentClass === 'PROVISIONAL_STAY') return random.date(addYears(asOf, -60), addYears(asOf, -18));
  const [youngest, oldest] = pickAgeBand(random, status);
  // Born after the day asOf is `oldest + 1` years away and no later than `youngest` years before asOf.
  // Special permanent residents are at least 61 days old: a younger child is still in transitional stay.
  const latest = residentClass === 'SPECIAL_PERMANENT' ? earlier(addDays(asOf, -61), addYears(asOf, -youngest)) : addYears(asOf, -youngest);
  return dateBetween(random, addDays(addYears(asOf, -(oldest + 1)), 1), latest);
}

/** Draws everything about a person that is not apportioned exactly. */
export function drawProfile(random: Random, fixed: Apportioned, asOf: string): Profile {
  const { residentClass, hasResidentRecord } = fixed;
  const status = residentClass === 'MID_TO_LONG_TERM' ? mtlStatus.sample(random) : null;
  const nationality =
    residentClass === 'MID_TO_LONG_TERM'
      ? (nationalityByStatus.get(status as StatusOfResidence) ?? anyNationality).sample(random)
      : residentClass === 'SPECIAL_PERMANENT'
        ? sprNationality.sample(random)
        : anyNationality.sample(random);
  const sex: Sex = fixed.otherSex ? 'OTHER' : random.chance(maleProbability(status)) ? 'MALE' : 'FEMALE';
  const birthDate = drawBirthDate(random, residentClass, status, asOf);
  const municipality = pickMunicipality(random);
  const canHoldCard = hasResidentRecord && specificCardKindFor(residentClass) !== null;
  const holds = canHoldCard && random.chance(PUBLISHED.myNumberCardHoldingRate);
  const myNumberCard: MyNumberCardChoice = !holds ? 'NONE' : random.chance(specificCardShare(asOf)) ? 'SPECIFIC' : 'STANDALONE';
  return {
    key: fixed.key,
    residentClass,
    hasResidentRecord,
    nationality,
    sex,
    birthDate,
    statusOfResidence: status,
    municipality,
    myNumberCard,
    activityOutsideStatus: status === null ? null : drawActivityOutsideStatus(random, status, ageOn(birthDate, asOf)),
  };
}

function drawActivityOutsideStatus(random: Random, status: StatusOfResidence, age: number): ActivityOutsideStatusPermission | null {
  if (age < 16) return null;
  const comprehensive = COMPREHENSIVE_ACTIVITY_OUTSIDE_STATUS[status];
  if (comprehensive !== undefined) return random.chance(comprehensive) ? 'COMPREHENSIVE' : null;
  const individual = ['ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES', 'PROFESSOR', 'INSTRUCTOR', 'BUSINESS_MANAGER'].includes(status);
  return individual && random.chance(INDIVIDUAL_ACTIVITY_OUTSIDE_STATUS) ? 'INDIVIDUAL' : null;
}

function stayOf(random: Random, profile: Profile, asOf: string): Stay {
  switch (profile.residentClass) {
    case 'MID_TO_LONG_TERM':
      return midToLongTermStay(random, profile.statusOfResidence as StatusOfResidence, profile.birthDate, asOf, {
        periodOfStay: profile.periodOfStay,
        permissionDate: profile.permissionDate,
        permissionKind: profile.permissionKind,
        previousStayExpiresOn: profile.previousStayExpiresOn,
      });
    case 'SPECIAL_PERMANENT':
      return specialPermanentStay(random, profile.birthDate, asOf);
    default:
      return statuslessStay(random, profile.residentClass, profile.birthDate, asOf);
  }
}

/** 0 to 2 earlier addresses (moved out of) before the current one, all on or after registration. */
function addresses(random: Random, key: number, current: Municipality, registered: string, asOf: string): AddressRow[] {
  const moves = random.pick([0, 0, 0, 0, 1, 1, 1, 2, 2, 2]);
  const span = toDayNumber(asOf) - toDayNumber(registered);
  const days = Array.from({ length: Math.min(moves, span) }, () => random.int(1, Math.max(1, span))).sort((a, b) => a - b);
  const starts = [registered, ...days.map((d) => addDays(registered, d))];
  return starts.map((movedInOn, slot) => {
    const last = slot === starts.length - 1;
    const place = last ? current : random.chance(0.7) ? current : pickMunicipalityNear(random, current);
    return {
      id: rowId(key, slot),
      residentId: key,
      municipalityCode: place.code,
      line: addressLine(random),
      movedInOn,
      movedOutOn: last ? null : (starts[slot + 1] as string),
    };
  });
}

/** The rows of one person, consistent across the three authorities. */
export function buildPerson(random: Random, profile: Profile, asOf: string): SyntheticPerson {
  const { key, residentClass, birthDate, sex, statusOfResidence } = profile;
  const stay = stayOf(random, profile, asOf);
  const myNumber = profile.hasResidentRecord ? myNumberOf(key) : null;
  const registered = registeredOn(random, residentClass, stay.arrivedOn, asOf);
  // A former Japanese national keeps the My Number of the Japanese resident record (番号法 7条: a number changes only
  // when it may be misused, not with nationality); it was assigned when numbers began, or at birth.
  const assignedOn =
    residentClass === 'TRANSITIONAL_AFTER_LOSS_OF_NATIONALITY' ? later(birthDate, MY_NUMBER_START) : later(registered, MY_NUMBER_START);
  // A specific card carries the My Number, so it is issued once there is one, and not before 2026-06-14.
  const specific = profile.myNumberCard === 'SPECIFIC' ? { from: later(SPECIFIC_CARD_START, assignedOn) } : null;
  const cards = holdsResidenceCard(residentClass)
    ? residenceCards(random, { key, residentClass, statusOfResidence, birthDate, stay }, asOf, specific)
    : [];

  const immigration: SyntheticPerson['immigration'] = {
    resident: {
      id: key,
      myNumber,
      residentClass,
      nationality: profile.nationality,
      birthDate,
      sex,
      statusOfResidence,
      periodOfStay: stay.periodOfStay,
      stayExpiresOn: stay.stayExpiresOn,
      permissionKind: stay.permissionKind,
      permissionDate: stay.permissionDate,
      workRestriction: stay.workRestriction,
      activityOutsideStatus: profile.activityOutsideStatus,
      municipalityCode: myNumber === null ? null : profile.municipality.code,
      residentRegistered: myNumber !== null,
      myNumberCardHeld: false,
    },
    cards,
  };
  if (myNumber === null) return { key, immigration, registry: null, mynumber: null };

  const name = personName(random, profile.nationality, sex);
  const registry: NonNullable<SyntheticPerson['registry']> = {
    resident: {
      id: key,
      myNumber,
      residentRecordCode: residentRecordCodeOf(key),
      familyName: name.familyName,
      givenName: name.givenName,
      birthDate,
      sex,
      residentCategory: residentClass,
      municipalityCode: profile.municipality.code,
      registeredOn: registered,
      removedOn: null,
      removalReason: null,
    },
    addresses: addresses(random, key, profile.municipality, registered, asOf),
  };
  const mynumber: NonNullable<SyntheticPerson['mynumber']> = {
    myNumber: {
      myNumber,
      assignedOn,
      birthDate,
      municipalityCode: profile.municipality.code,
      residentRecordCode: registry.resident.residentRecordCode,
      stayExpiresOn: myNumberFunctionFollowsStay(residentClass, statusOfResidence) ? stay.stayExpiresOn : null,
    },
    cards: myNumberCards(
      random,
      { key, myNumber, residentClass, statusOfResidence, birthDate, stayExpiresOn: stay.stayExpiresOn, assignedOn },
      asOf,
      profile.myNumberCard,
      cards.at(-1) ?? null,
    ),
  };
  immigration.resident.myNumberCardHeld = mynumber.cards.some(
    ({ card }) => card.kind === 'MY_NUMBER_CARD' && MY_NUMBER_CARD_HELD.includes(card.status),
  );
  return { key, immigration, registry, mynumber };
}

/** The municipality of a code in the table, for personas. */
export function municipalityOf(code: string): Municipality {
  const found = municipalityByCode(code);
  if (!found) throw new Error(`municipality ${code} is not in seeds/municipalities.ts`);
  return found;
}
