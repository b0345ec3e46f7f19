/**
 * The municipalities' rows of the counter guidance (issue 18): the move notification. A notification of moving in or
 * moving within the municipality (転入届・転居届, within 14 days of moving, 住民基本台帳法 22条, 23条), made with the
 * residence card or certificate, counts as the notification of the new residence to the ISA (入管法 19条の9第3項;
 * 入管特例法 10条 for special permanent residents), so one counter serves both. A specific card is one card to bring.
 * Sources: 総務省「外国人住民に係る住民基本台帳制度」; municipal guides such as
 * https://www.city.otaru.lg.jp/docs/2025021200039 (within 14 days of moving).
 *
 * A move to another municipality (MOVE_TO_ANOTHER_MUNICIPALITY) is two notifications at two offices: the moving-out
 * notification at the old one (転出届, 住民基本台帳法24条), then the moving-in notification at the new one within 14 days
 * of moving in (転入届, 22条), which counts as the notification to the ISA (入管法19条の9第3項; 入管特例法10条). With a
 * My Number card (a specific card is one) the moving-out may use the special case (転入届の特例, 24条の2): at the
 * counter, by post, or online on Mynaportal (since 2023-02-06, https://www.digital.go.jp/policies/moving_onestop_service/faq-01/),
 * with no moving-out certificate; the moving-in is then made with the card (and its PIN). Without one, the moving-out
 * certificate is brought to the new office (https://www.city.tomakomai.hokkaido.jp/kurashi/mynumber/keizoku.html,
 * https://www.city.tsugaru.aomori.jp/soshiki/minsei/shimin/jumin/1641.html).
 */
import { A, B, B_OR_C, C, MID_TO_LONG_TERM, SPECIAL_PERMANENT, type GuidanceRow } from '../../../schema/counterGuidance';

export const REGISTRY_GUIDANCE: readonly GuidanceRow[] = [
  { event: 'CHANGE_OF_ADDRESS', classes: MID_TO_LONG_TERM, arrangements: A, order: 1, action: 'NOTIFY_MOVE', counter: 'MUNICIPAL_OFFICE', deadlineDays: 14, bring: ['SPECIFIC_CARD'], basis: '住民基本台帳法23条（転居届）; 入管法19条の9第3項' },
  { event: 'CHANGE_OF_ADDRESS', classes: MID_TO_LONG_TERM, arrangements: B_OR_C, order: 1, action: 'NOTIFY_MOVE', counter: 'MUNICIPAL_OFFICE', deadlineDays: 14, bring: ['RESIDENCE_CARD'], basis: '住民基本台帳法23条（転居届）; 入管法19条の9第3項' },
  { event: 'CHANGE_OF_ADDRESS', classes: SPECIAL_PERMANENT, arrangements: A, order: 1, action: 'NOTIFY_MOVE', counter: 'MUNICIPAL_OFFICE', deadlineDays: 14, bring: ['SPECIFIC_CARD'], basis: '住民基本台帳法23条（転居届）; 入管特例法10条' },
  { event: 'CHANGE_OF_ADDRESS', classes: SPECIAL_PERMANENT, arrangements: B_OR_C, order: 1, action: 'NOTIFY_MOVE', counter: 'MUNICIPAL_OFFICE', deadlineDays: 14, bring: ['SPECIAL_PERMANENT_RESIDENT_CERTIFICATE'], basis: '住民基本台帳法23条（転居届）; 入管特例法10条' },
  // A move to another municipality: the moving-out at the old office, then the moving-in at the new one within 14 days.
  // (a) and (b) hold a My Number card and use the special case: no moving-out certificate, the card brought instead.
  { event: 'MOVE_TO_ANOTHER_MUNICIPALITY', classes: MID_TO_LONG_TERM, arrangements: A, order: 1, action: 'NOTIFY_MOVING_OUT_WITH_MY_NUMBER_CARD', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: ['SPECIFIC_CARD'], basis: '住民基本台帳法24条・24条の2（転入届の特例: マイナンバーカードで転出、転出証明書なし。窓口・郵送・マイナポータル）' },
  { event: 'MOVE_TO_ANOTHER_MUNICIPALITY', classes: MID_TO_LONG_TERM, arrangements: A, order: 2, action: 'NOTIFY_MOVING_IN', counter: 'MUNICIPAL_OFFICE', deadlineDays: 14, bring: ['SPECIFIC_CARD', 'PIN_CODES'], basis: '住民基本台帳法22条・24条の2（転入後14日以内、特例転入）; 入管法19条の9第3項' },
  { event: 'MOVE_TO_ANOTHER_MUNICIPALITY', classes: MID_TO_LONG_TERM, arrangements: B, order: 1, action: 'NOTIFY_MOVING_OUT_WITH_MY_NUMBER_CARD', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: ['MY_NUMBER_CARD'], basis: '住民基本台帳法24条・24条の2（転入届の特例: マイナンバーカードで転出、転出証明書なし。窓口・郵送・マイナポータル）' },
  { event: 'MOVE_TO_ANOTHER_MUNICIPALITY', classes: MID_TO_LONG_TERM, arrangements: B, order: 2, action: 'NOTIFY_MOVING_IN', counter: 'MUNICIPAL_OFFICE', deadlineDays: 14, bring: ['RESIDENCE_CARD', 'MY_NUMBER_CARD', 'PIN_CODES'], basis: '住民基本台帳法22条・24条の2（転入後14日以内、特例転入）; 入管法19条の9第3項' },
  { event: 'MOVE_TO_ANOTHER_MUNICIPALITY', classes: MID_TO_LONG_TERM, arrangements: C, order: 1, action: 'NOTIFY_MOVING_OUT', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: ['RESIDENCE_CARD'], basis: '住民基本台帳法24条（転出届、転出証明書の交付）' },
  { event: 'MOVE_TO_ANOTHER_MUNICIPALITY', classes: MID_TO_LONG_TERM, arrangements: C, order: 2, action: 'NOTIFY_MOVING_IN', counter: 'MUNICIPAL_OFFICE', deadlineDays: 14, bring: ['RESIDENCE_CARD', 'MOVING_OUT_CERTIFICATE'], basis: '住民基本台帳法22条（転入後14日以内）; 入管法19条の9第3項' },
  { event: 'MOVE_TO_ANOTHER_MUNICIPALITY', classes: SPECIAL_PERMANENT, arrangements: A, order: 1, action: 'NOTIFY_MOVING_OUT_WITH_MY_NUMBER_CARD', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: ['SPECIFIC_CARD'], basis: '住民基本台帳法24条・24条の2（転入届の特例: マイナンバーカードで転出、転出証明書なし。窓口・郵送・マイナポータル）' },
  { event: 'MOVE_TO_ANOTHER_MUNICIPALITY', classes: SPECIAL_PERMANENT, arrangements: A, order: 2, action: 'NOTIFY_MOVING_IN', counter: 'MUNICIPAL_OFFICE', deadlineDays: 14, bring: ['SPECIFIC_CARD', 'PIN_CODES'], basis: '住民基本台帳法22条・24条の2（転入後14日以内、特例転入）; 入管特例法10条' },
  { event: 'MOVE_TO_ANOTHER_MUNICIPALITY', classes: SPECIAL_PERMANENT, arrangements: B, order: 1, action: 'NOTIFY_MOVING_OUT_WITH_MY_NUMBER_CARD', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: ['MY_NUMBER_CARD'], basis: '住民基本台帳法24条・24条の2（転入届の特例: マイナンバーカードで転出、転出証明書なし。窓口・郵送・マイナポータル）' },
  { event: 'MOVE_TO_ANOTHER_MUNICIPALITY', classes: SPECIAL_PERMANENT, arrangements: B, order: 2, action: 'NOTIFY_MOVING_IN', counter: 'MUNICIPAL_OFFICE', deadlineDays: 14, bring: ['SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', 'MY_NUMBER_CARD', 'PIN_CODES'], basis: '住民基本台帳法22条・24条の2（転入後14日以内、特例転入）; 入管特例法10条' },
  { event: 'MOVE_TO_ANOTHER_MUNICIPALITY', classes: SPECIAL_PERMANENT, arrangements: C, order: 1, action: 'NOTIFY_MOVING_OUT', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: ['SPECIAL_PERMANENT_RESIDENT_CERTIFICATE'], basis: '住民基本台帳法24条（転出届、転出証明書の交付）' },
  { event: 'MOVE_TO_ANOTHER_MUNICIPALITY', classes: SPECIAL_PERMANENT, arrangements: C, order: 2, action: 'NOTIFY_MOVING_IN', counter: 'MUNICIPAL_OFFICE', deadlineDays: 14, bring: ['SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', 'MOVING_OUT_CERTIFICATE'], basis: '住民基本台帳法22条（転入後14日以内）; 入管特例法10条' },
];
