/**
 * Who may ask, and why: the roles callers hold and the purposes (with their legal basis) each role may
 * declare. The gateway refuses a purpose the role may not use; each authority then decides, field by field,
 * what a role may read for a purpose (its own `policy.ts`).
 */

/** Roles a caller can hold (DESIGN.md §4), plus `partner` for API-key callers (employers, banks). */
export const ROLES = ['isa-officer', 'municipal-clerk', 'jlis-operator', 'analyst', 'auditor', 'resident', 'partner'] as const;
export type Role = (typeof ROLES)[number];

/** Purposes of use, each with the provision that allows the processing. */
export const PURPOSES = {
  'residence-management': '出入国管理及び難民認定法 19条の3-19条の19 (residence cards), 番号法 別表 (specific cards)',
  'resident-registration': '住民基本台帳法 30条の45-30条の51 (foreign residents), 7条 (resident record code)',
  'my-number-card-issuance': '番号法 16条の2-17条 (My Number card issuance at the municipal counter)',
  'my-number-card-management': '番号法 17条, 公的個人認証法 (card functions and certificates)',
  statistics: '統計法 (aggregate figures only)',
  audit: '番号法 23条 (records of information provision), internal audit',
  'own-record': '個人情報保護法 76条 (the person\'s own information)',
  'card-verification': '出入国管理及び難民認定法 19条の3 (checking a presented residence card; holder consent)',
} as const;
export type Purpose = keyof typeof PURPOSES;

/** The purposes each role may declare; the first is used when a request names none. */
export const PURPOSES_BY_ROLE: Readonly<Record<Role, readonly Purpose[]>> = {
  'isa-officer': ['residence-management'],
  'municipal-clerk': ['resident-registration', 'my-number-card-issuance'],
  'jlis-operator': ['my-number-card-management'],
  analyst: ['statistics'],
  auditor: ['audit'],
  resident: ['own-record'],
  partner: ['card-verification'],
};

/** Whether a role may act for a purpose. */
export function purposeAllowed(role: Role, purpose: string): purpose is Purpose {
  return (PURPOSES_BY_ROLE[role] as readonly string[]).includes(purpose);
}
