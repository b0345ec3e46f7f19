/**
 * The ISA's rows of the counter guidance (issue 18): the steps of residence card and certificate procedures, which
 * the ISA owns wherever they are done. A special permanent resident's certificate is the ISA's, but it is applied for
 * at the municipal office (入管特例法 11-13条), so those rows name that counter. The police report is a step of the
 * ISA's reissue procedure: the bureau asks for its number.
 *
 * Sources: 入管法 19条の5 (a card's validity), 19条の11 (validity renewal, not for a card ending with the stay), 19条の12 (reissue after loss, 14 days from learning of it), 19条の13
 * (reissue of a damaged card), 20条 (change of status), 21条 (extension); 入管特例法 11条, 12条, 13条; ISA, 在留カードの
 * 再交付申請（紛失等） https://www.moj.go.jp/isa/applications/procedures/nyuukokukanri10_00010.html (application form,
 * photo, passport, the police report's number); ISA, 特定在留カード等 Q&A https://www.moj.go.jp/isa/tokutei.html; seed
 * report 2(3): a specific card is renewed at the regional immigration bureau in one procedure, the My Number function
 * included, while with two cards each is renewed at its own counter.
 */
import {
  A,
  B_OR_C,
  CARD_HAS_OWN_VALIDITY,
  CARD_HOLDERS,
  HAS_PERIOD,
  MID_TO_LONG_TERM,
  SPECIAL_PERMANENT,
  type GuidanceRow,
} from '../../../schema/counterGuidance';

const REISSUE_AFTER_LOSS = ['APPLICATION_FORM', 'PHOTO', 'PASSPORT', 'POLICE_REPORT_NUMBER'] as const;
const WITH_SPECIFIC_CARD = ['APPLICATION_FORM', 'PHOTO', 'PASSPORT', 'SPECIFIC_CARD'] as const;
const WITH_RESIDENCE_CARD = ['APPLICATION_FORM', 'PHOTO', 'PASSPORT', 'RESIDENCE_CARD'] as const;
const WITH_CERTIFICATE = ['APPLICATION_FORM', 'PHOTO', 'PASSPORT', 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE'] as const;

export const IMMIGRATION_GUIDANCE: readonly GuidanceRow[] = [
  // Loss or theft: with a specific card, J-LIS's suspension call comes first (step 1, the mynumber table).
  { event: 'LOSS_OR_THEFT', classes: CARD_HOLDERS, arrangements: A, order: 2, action: 'REPORT_LOSS_TO_POLICE', counter: 'POLICE', deadlineDays: null, bring: [], basis: '再交付申請に警察の届出受理番号が要る（出入国在留管理庁「在留カードの再交付申請（紛失等）」）' },
  { event: 'LOSS_OR_THEFT', classes: CARD_HOLDERS, arrangements: B_OR_C, order: 1, action: 'REPORT_LOSS_TO_POLICE', counter: 'POLICE', deadlineDays: null, bring: [], basis: '再交付申請に警察の届出受理番号が要る（出入国在留管理庁「在留カードの再交付申請（紛失等）」）' },
  { event: 'LOSS_OR_THEFT', classes: MID_TO_LONG_TERM, arrangements: A, order: 3, action: 'APPLY_FOR_CARD_REISSUE', counter: 'REGIONAL_IMMIGRATION_BUREAU', deadlineDays: 14, bring: REISSUE_AFTER_LOSS, basis: '入管法19条の12' },
  { event: 'LOSS_OR_THEFT', classes: MID_TO_LONG_TERM, arrangements: B_OR_C, order: 2, action: 'APPLY_FOR_CARD_REISSUE', counter: 'REGIONAL_IMMIGRATION_BUREAU', deadlineDays: 14, bring: REISSUE_AFTER_LOSS, basis: '入管法19条の12' },
  { event: 'LOSS_OR_THEFT', classes: SPECIAL_PERMANENT, arrangements: A, order: 3, action: 'APPLY_FOR_CARD_REISSUE', counter: 'MUNICIPAL_OFFICE', deadlineDays: 14, bring: REISSUE_AFTER_LOSS, basis: '入管特例法12条' },
  { event: 'LOSS_OR_THEFT', classes: SPECIAL_PERMANENT, arrangements: B_OR_C, order: 2, action: 'APPLY_FOR_CARD_REISSUE', counter: 'MUNICIPAL_OFFICE', deadlineDays: 14, bring: REISSUE_AFTER_LOSS, basis: '入管特例法12条' },

  // Extension: only with a period of stay (a permanent resident, a Highly Skilled Professional (ii) and a special
  // permanent resident have none: notApplicableFor answers NO_PERIOD_OF_STAY). Change of status: not for a special
  // permanent resident, who has no status of residence.
  { event: 'RENEWAL', classes: MID_TO_LONG_TERM, arrangements: A, stayKinds: HAS_PERIOD, order: 1, action: 'APPLY_FOR_EXTENSION_OF_STAY', counter: 'REGIONAL_IMMIGRATION_BUREAU', deadlineDays: null, bring: WITH_SPECIFIC_CARD, basis: '入管法21条; 特定在留カードは地方出入国在留管理局で一元的に更新（マイナンバー機能を含む）' },
  { event: 'RENEWAL', classes: MID_TO_LONG_TERM, arrangements: B_OR_C, stayKinds: HAS_PERIOD, order: 1, action: 'APPLY_FOR_EXTENSION_OF_STAY', counter: 'REGIONAL_IMMIGRATION_BUREAU', deadlineDays: null, bring: WITH_RESIDENCE_CARD, basis: '入管法21条' },
  { event: 'CHANGE_OF_STATUS', classes: MID_TO_LONG_TERM, arrangements: A, order: 1, action: 'APPLY_FOR_CHANGE_OF_STATUS', counter: 'REGIONAL_IMMIGRATION_BUREAU', deadlineDays: null, bring: WITH_SPECIFIC_CARD, basis: '入管法20条; 新しい特定在留カードにマイナンバー機能が移る' },
  { event: 'CHANGE_OF_STATUS', classes: MID_TO_LONG_TERM, arrangements: B_OR_C, order: 1, action: 'APPLY_FOR_CHANGE_OF_STATUS', counter: 'REGIONAL_IMMIGRATION_BUREAU', deadlineDays: null, bring: WITH_RESIDENCE_CARD, basis: '入管法20条' },

  // The card's own validity (有効期間更新, 19条の11): from two months before it ends (six before a 16th birthday). Only
  // for a card with its own validity (7 years for a permanent resident or a Highly Skilled Professional (ii), or the
  // day before the 16th birthday: 19条の5第1項1号・2号・4号); a card that ends with the period of stay is renewed by the extension.
  { event: 'CARD_EXPIRY', classes: MID_TO_LONG_TERM, arrangements: A, stayKinds: CARD_HAS_OWN_VALIDITY, order: 1, action: 'APPLY_FOR_CARD_RENEWAL', counter: 'REGIONAL_IMMIGRATION_BUREAU', deadlineDays: null, bring: WITH_SPECIFIC_CARD, basis: '入管法19条の11; 特定在留カードは一つの手続で更新' },
  { event: 'CARD_EXPIRY', classes: MID_TO_LONG_TERM, arrangements: B_OR_C, stayKinds: CARD_HAS_OWN_VALIDITY, order: 1, action: 'APPLY_FOR_CARD_RENEWAL', counter: 'REGIONAL_IMMIGRATION_BUREAU', deadlineDays: null, bring: WITH_RESIDENCE_CARD, basis: '入管法19条の11' },
  { event: 'CARD_EXPIRY', classes: SPECIAL_PERMANENT, arrangements: A, order: 1, action: 'APPLY_FOR_CARD_RENEWAL', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: WITH_SPECIFIC_CARD, basis: '入管特例法11条' },
  { event: 'CARD_EXPIRY', classes: SPECIAL_PERMANENT, arrangements: B_OR_C, order: 1, action: 'APPLY_FOR_CARD_RENEWAL', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: WITH_CERTIFICATE, basis: '入管特例法11条' },

  // Damage: the damaged card is brought and handed in; a specific card's My Number function moves to the new one.
  { event: 'DAMAGE', classes: MID_TO_LONG_TERM, arrangements: A, order: 1, action: 'APPLY_FOR_CARD_REISSUE', counter: 'REGIONAL_IMMIGRATION_BUREAU', deadlineDays: null, bring: WITH_SPECIFIC_CARD, basis: '入管法19条の13' },
  { event: 'DAMAGE', classes: MID_TO_LONG_TERM, arrangements: B_OR_C, order: 1, action: 'APPLY_FOR_CARD_REISSUE', counter: 'REGIONAL_IMMIGRATION_BUREAU', deadlineDays: null, bring: WITH_RESIDENCE_CARD, basis: '入管法19条の13' },
  { event: 'DAMAGE', classes: SPECIAL_PERMANENT, arrangements: A, order: 1, action: 'APPLY_FOR_CARD_REISSUE', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: WITH_SPECIFIC_CARD, basis: '入管特例法13条' },
  { event: 'DAMAGE', classes: SPECIAL_PERMANENT, arrangements: B_OR_C, order: 1, action: 'APPLY_FOR_CARD_REISSUE', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: WITH_CERTIFICATE, basis: '入管特例法13条' },
];
