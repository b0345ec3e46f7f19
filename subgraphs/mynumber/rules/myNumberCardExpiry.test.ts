import { expiryReason, statusOnDay } from './myNumberCardExpiry';

// A card or function is valid through its validUntil; the next day it has expired, whoever looks and whether or
// not anyone touched the record. Other statuses stand (a revoked card stays revoked).
describe('statusOnDay', () => {
  test.each<[string, string | null, string, string]>([
    ['ACTIVE', '2028-02-10', '2028-02-09', 'ACTIVE'],
    ['ACTIVE', '2028-02-10', '2028-02-10', 'ACTIVE'],
    ['ACTIVE', '2028-02-10', '2028-02-11', 'EXPIRED'],
    ['SUSPENDED', '2028-02-10', '2028-02-11', 'EXPIRED'],
    ['SUSPENDED', '2028-02-10', '2028-02-10', 'SUSPENDED'],
    ['REVOKED', '2028-02-10', '2028-02-11', 'REVOKED'],
    ['EXPIRED', '2028-02-10', '2028-02-01', 'EXPIRED'],
    ['NOT_ISSUED', null, '2099-01-01', 'NOT_ISSUED'],
    ['ACTIVE', null, '2099-01-01', 'ACTIVE'],
  ])('%s until %s, on %s → %s', (status, validUntil, today, expected) => {
    expect(statusOnDay({ status, validUntil }, today)).toBe(expected);
  });
});

// Why a card ended by date: a standalone card that ran to the end of the holder's period of stay ended with the stay
// (番号法施行規則: a foreign resident's card term follows the stay); any other card reached the end of its validity.
describe('expiryReason', () => {
  test.each<[string, string, string | null, string]>([
    ['MY_NUMBER_CARD', '2028-02-10', '2028-02-10', 'PERIOD_OF_STAY_ENDED'],
    ['MY_NUMBER_CARD', '2034-05-10', '2036-01-01', 'VALIDITY_ENDED'],
    ['MY_NUMBER_CARD', '2034-05-10', null, 'VALIDITY_ENDED'],
    ['SPECIFIC_RESIDENCE_CARD', '2028-02-10', '2028-02-10', 'VALIDITY_ENDED'],
  ])('%s until %s, stay to %s → %s', (kind, validUntil, stayExpiresOn, expected) => {
    expect(expiryReason({ kind, validUntil }, stayExpiresOn)).toBe(expected);
  });
});
