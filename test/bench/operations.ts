/** The benchmark's client operations, byte for byte the same for every contender. */

/** The unified record's selection, shared by the client queries and the expected answers. */
export const PERSON_FIELDS = `myNumber cardArrangement
    resident { familyName givenName birthDate address { line municipality { code name } } }
    immigration { nationality { code } statusOfResidence stayExpiresOn workRestriction }
    residenceCard { number kind status validUntil lossReportedOn }
    myNumberCard { kind status validUntil }`;
export const VERIFY_FIELDS = 'valid reason workPermission';
export const STATISTICS_FIELDS = 'total cells { key { dimension code label } count share suppressed } disclosureControl { threshold suppressedCells }';

/** The client operations, byte for byte the same for every contender (the floor recognises them by their text). */
export const OPERATIONS = {
  unified: `query Unified($n: ID!) { person(myNumber: $n) { ${PERSON_FIELDS} } }`,
  batch: `query Batch($ns: [ID!]!) { persons(myNumbers: $ns) { ${PERSON_FIELDS} } }`,
  statistics: `query Statistics($groupBy: [StatisticsDimension!]!, $filter: StatisticsFilter) { foreignResidentStatistics(groupBy: $groupBy, filter: $filter) { ${STATISTICS_FIELDS} } }`,
  verify: `query Verify($number: String!, $expiresOn: Date!) { verifyResidenceCard(number: $number, expiresOn: $expiresOn) { ${VERIFY_FIELDS} } }`,
} as const;

