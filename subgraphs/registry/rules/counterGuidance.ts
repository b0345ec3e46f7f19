/**
 * The municipalities' rows of the counter guidance (issue 18): the move notification. A notification of moving in or
 * moving within the municipality (転入届・転居届, within 14 days of moving, 住民基本台帳法 22条, 23条), made with the
 * residence card or certificate, counts as the notification of the new residence to the ISA (入管法 19条の9第3項;
 * 入管特例法 10条 for special permanent residents), so one counter serves both. A specific card is one card to bring.
 * Sources: 総務省「外国人住民に係る住民基本台帳制度」; municipal guides such as
 * https://www.city.otaru.lg.jp/docs/2025021200039 (within 14 days of moving).
 */
import { A, B_OR_C, MID_TO_LONG_TERM, SPECIAL_PERMANENT, type GuidanceRow } from '../../../schema/counterGuidance';

export const REGISTRY_GUIDANCE: readonly GuidanceRow[] = [
  { event: 'CHANGE_OF_ADDRESS', classes: MID_TO_LONG_TERM, arrangements: A, order: 1, action: 'NOTIFY_MOVE', counter: 'MUNICIPAL_OFFICE', deadlineDays: 14, bring: ['SPECIFIC_CARD'], basis: '住民基本台帳法22条・23条; 入管法19条の9第3項' },
  { event: 'CHANGE_OF_ADDRESS', classes: MID_TO_LONG_TERM, arrangements: B_OR_C, order: 1, action: 'NOTIFY_MOVE', counter: 'MUNICIPAL_OFFICE', deadlineDays: 14, bring: ['RESIDENCE_CARD'], basis: '住民基本台帳法22条・23条; 入管法19条の9第3項' },
  { event: 'CHANGE_OF_ADDRESS', classes: SPECIAL_PERMANENT, arrangements: A, order: 1, action: 'NOTIFY_MOVE', counter: 'MUNICIPAL_OFFICE', deadlineDays: 14, bring: ['SPECIFIC_CARD'], basis: '住民基本台帳法22条・23条; 入管特例法10条' },
  { event: 'CHANGE_OF_ADDRESS', classes: SPECIAL_PERMANENT, arrangements: B_OR_C, order: 1, action: 'NOTIFY_MOVE', counter: 'MUNICIPAL_OFFICE', deadlineDays: 14, bring: ['SPECIAL_PERMANENT_RESIDENT_CERTIFICATE'], basis: '住民基本台帳法22条・23条; 入管特例法10条' },
];
