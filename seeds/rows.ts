/** The rows one synthetic person contributes to each authority's tables, column names in camelCase. */
import type {
  ActivityOutsideStatusPermission,
  CardFunction,
  CardFunctionStatus,
  MyNumberCardKind,
  MyNumberCardStatus,
  NationalityCode,
  PermissionKind,
  ResidenceCardKind,
  ResidenceCardStatus,
  ResidentCategory,
  ResidentClass,
  Sex,
  StatusOfResidence,
  WorkRestriction,
} from '../schema/codes';

/** immigration.foreign_resident */
export interface ForeignResidentRow {
  id: number;
  myNumber: string | null;
  residentClass: ResidentClass;
  nationality: NationalityCode;
  birthDate: string;
  sex: Sex;
  statusOfResidence: StatusOfResidence | null;
  /** ISO 8601 duration as granted (P3Y, P6M); null when indefinite or not a status of residence. */
  periodOfStay: string | null;
  stayExpiresOn: string | null;
  permissionKind: PermissionKind | null;
  permissionDate: string | null;
  workRestriction: WorkRestriction;
  activityOutsideStatus: ActivityOutsideStatusPermission | null;
  municipalityCode: string | null;
  residentRegistered: boolean;
  /** A standalone My Number card is held (ACTIVE or SUSPENDED), as J-LIS's events tell the ISA. */
  myNumberCardHeld: boolean;
}

/** immigration.residence_card */
export interface ResidenceCardRow {
  number: string;
  residentId: number;
  kind: ResidenceCardKind;
  status: ResidenceCardStatus;
  issuedOn: string;
  validUntil: string | null;
  lossReportedOn: string | null;
  supersededBy: string | null;
  /** A specific card whose My Number function ended while the card stayed in force (returned, revoked, expired). */
  myNumberFunctionEndedOn: string | null;
  myNumberFunctionEndReason: string | null;
}

/** immigration.stay_application: an application for an extension or a change of status (the special period's source). */
export interface StayApplicationRow {
  id: number;
  residentId: number;
  kind: 'EXTENSION_OF_PERIOD_OF_STAY' | 'CHANGE_OF_STATUS';
  filedOn: string;
  oldStayExpiresOn: string;
  status: 'PENDING' | 'GRANTED' | 'REFUSED';
  decidedOn: string | null;
}

/** registry.resident */
export interface ResidentRow {
  id: number;
  myNumber: string;
  residentRecordCode: string;
  familyName: string;
  givenName: string;
  birthDate: string;
  sex: Sex;
  residentCategory: ResidentCategory;
  municipalityCode: string;
  registeredOn: string;
  removedOn: string | null;
  removalReason: string | null;
}

/** registry.address */
export interface AddressRow {
  id: number;
  residentId: number;
  municipalityCode: string;
  line: string;
  movedInOn: string;
  movedOutOn: string | null;
}

/** mynumber.my_number */
export interface MyNumberRow {
  myNumber: string;
  assignedOn: string;
  birthDate: string;
  municipalityCode: string;
  /** The resident record code the number was assigned for (the registry's). */
  residentRecordCode: string;
  /** The end of the period of stay when the My Number function follows it; null when it does not. */
  stayExpiresOn: string | null;
}

/** mynumber.my_number_card */
export interface MyNumberCardRow {
  id: number;
  myNumber: string;
  kind: MyNumberCardKind;
  status: MyNumberCardStatus;
  statusReason: string | null;
  issuedOn: string;
  validUntil: string;
  /** The residence card carrying the My Number part; set exactly for the specific kinds. */
  carrierCardNumber: string | null;
}

/** mynumber.card_function */
export interface CardFunctionRow {
  cardId: number;
  function: CardFunction;
  status: CardFunctionStatus;
  validUntil: string | null;
}

/** One person as the three authorities record them; ids derive from `key`, so separate loads agree. */
export interface SyntheticPerson {
  key: number;
  /** `applications`: only personas carry them (the generator draws none). */
  immigration: { resident: ForeignResidentRow; cards: ResidenceCardRow[]; applications?: StayApplicationRow[] };
  /** null: no resident record (and therefore no My Number). */
  registry: { resident: ResidentRow; addresses: AddressRow[] } | null;
  mynumber: { myNumber: MyNumberRow; cards: Array<{ card: MyNumberCardRow; functions: CardFunctionRow[] }> } | null;
}
