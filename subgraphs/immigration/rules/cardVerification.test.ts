import { verifyCard, workPermission } from './cardVerification';

describe('work permission, row by row', () => {
  test.each([
    ['NO_RESTRICTION', null, 'UNRESTRICTED'],
    ['STATUS_ACTIVITIES_ONLY', null, 'RESTRICTED_TO_STATUS'],
    ['DESIGNATED_ORGANIZATION_ONLY', null, 'RESTRICTED_TO_STATUS'],
    ['DESIGNATED_ACTIVITIES_ONLY', null, 'RESTRICTED_TO_STATUS'],
    ['NOT_PERMITTED', null, 'NOT_PERMITTED'],
    ['NOT_PERMITTED', 'COMPREHENSIVE', 'PERMITTED_OUTSIDE_STATUS_WITH_LIMITS'],
    ['NOT_PERMITTED', 'INDIVIDUAL', 'PERMITTED_OUTSIDE_STATUS_WITH_LIMITS'],
    ['STATUS_ACTIVITIES_ONLY', 'INDIVIDUAL', 'RESTRICTED_TO_STATUS'],
  ] as const)('%s with %s outside status: %s', (restriction, outside, expected) => {
    expect(workPermission(restriction, outside)).toBe(expected);
  });
});

describe('card verdicts', () => {
  const good = { status: 'VALID' as const, validUntil: '2029-03-31', lossReportedOn: null };
  test.each([
    ['valid card, expiry as printed', good, '2029-03-31', { valid: true }],
    ['unknown card', null, '2029-03-31', { valid: false, reason: 'NOT_FOUND_OR_MISMATCH' }],
    ['printed expiry differs', good, '2029-04-01', { valid: false, reason: 'NOT_FOUND_OR_MISMATCH' }],
    ['reported lost', { ...good, lossReportedOn: '2026-11-01' }, '2029-03-31', { valid: false, reason: 'REPORTED_LOST' }],
    ['superseded', { ...good, status: 'SUPERSEDED' as const }, '2029-03-31', { valid: false, reason: 'SUPERSEDED' }],
    ['expired', { ...good, status: 'EXPIRED' as const }, '2029-03-31', { valid: false, reason: 'EXPIRED' }],
    ['returned', { ...good, status: 'RETURNED' as const }, '2029-03-31', { valid: false, reason: 'RETURNED' }],
    ['revoked', { ...good, status: 'REVOKED' as const }, '2029-03-31', { valid: false, reason: 'REVOKED' }],
  ])('%s', (_name, card, expiry, expected) => {
    expect(verifyCard(card, expiry)).toEqual(expected);
  });
});
