/**
 * J-LIS's rows of the counter guidance (issue 18): the steps about the My Number card or the My Number part of a
 * specific card. Most are done at the municipal office (the seed report 3(3): マイナンバーカードに関する手続きは各市区町村),
 * the suspension after a loss by telephone, at any hour. A resident with a residence card only (c) has no rows here.
 *
 * Sources: My Number free dial 0120-95-0178, suspension 24 hours a day (e.g. https://www.city.matsumoto.nagano.jp/soshiki/50/50171.html:
 * call first, then the police); a foreign resident's My Number card runs to the end of the stay and is not extended by
 * a renewal at the bureau: its validity is changed at the municipal office with the new residence card
 * (https://www.city.sakado.lg.jp/soshiki/17/54083.html, https://www.city.tendo.yamagata.jp/lifeinfo/tetsuduki/mainannba-kakusyutetuduki.html;
 * https://www.city.kasai.hyogo.jp/soshiki/15/33109.html: the card, its 4-digit PIN and the new residence card);
 * a change of address is written on the card within 14 days (番号法17条4項) and ends the signature certificate
 * (https://www.city.sasebo.lg.jp/siminseikatu/koseki/kezokuriyo.html); certificates are renewed from 3 months before
 * they expire (https://www.city.nakatsugawa.lg.jp/life/proof/2/23897.html); a My Number card is returned at the
 * municipal office (https://www.city.yonago.lg.jp/40771.htm). Where a specific card's function is returned the published
 * guidance does not yet say; the municipal office is assumed, and the card stays a residence card (DESIGN.md 3).
 */
import { A, B, CARD_HOLDERS, HAS_PERIOD, MID_TO_LONG_TERM, type GuidanceRow } from '../../../schema/counterGuidance';

export const MYNUMBER_GUIDANCE: readonly GuidanceRow[] = [
  // A lost specific card: its My Number function is suspended first, before the police and the bureau.
  { event: 'LOSS_OR_THEFT', classes: CARD_HOLDERS, arrangements: A, order: 1, action: 'SUSPEND_MY_NUMBER_FUNCTION', counter: 'MY_NUMBER_FREE_DIAL', deadlineDays: null, bring: [], basis: 'マイナンバー総合フリーダイヤル 0120-95-0178（一時利用停止は24時間365日）' },

  // With two cards, the bureau's new card does not extend the My Number card: a second counter.
  { event: 'RENEWAL', classes: MID_TO_LONG_TERM, arrangements: B, stayKinds: HAS_PERIOD, order: 2, action: 'CHANGE_MY_NUMBER_CARD_VALIDITY', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: ['MY_NUMBER_CARD', 'RESIDENCE_CARD', 'PIN_CODES'], basis: '外国人住民のマイナンバーカードの有効期間は在留期間満了日まで; 更新後に市区町村で有効期間変更' },
  { event: 'CHANGE_OF_STATUS', classes: MID_TO_LONG_TERM, arrangements: B, order: 2, action: 'CHANGE_MY_NUMBER_CARD_VALIDITY', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: ['MY_NUMBER_CARD', 'RESIDENCE_CARD', 'PIN_CODES'], basis: '外国人住民のマイナンバーカードの有効期間は在留期間満了日まで; 許可後に市区町村で有効期間変更' },

  { event: 'CHANGE_OF_ADDRESS', classes: CARD_HOLDERS, arrangements: A, order: 2, action: 'REISSUE_SIGNATURE_CERTIFICATE', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: ['SPECIFIC_CARD', 'PIN_CODES'], basis: '公的個人認証法: 住所の変更で署名用電子証明書は失効' },
  { event: 'CHANGE_OF_ADDRESS', classes: CARD_HOLDERS, arrangements: B, order: 2, action: 'UPDATE_MY_NUMBER_CARD_ADDRESS', counter: 'MUNICIPAL_OFFICE', deadlineDays: 14, bring: ['MY_NUMBER_CARD', 'PIN_CODES'], basis: '番号法17条4項' },
  { event: 'CHANGE_OF_ADDRESS', classes: CARD_HOLDERS, arrangements: B, order: 3, action: 'REISSUE_SIGNATURE_CERTIFICATE', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: ['MY_NUMBER_CARD', 'PIN_CODES'], basis: '公的個人認証法: 住所の変更で署名用電子証明書は失効' },

  // A move to another municipality: the card is kept in use at the new office (with its PIN), normally at the moving-in;
  // not done within 90 days of the moving-in notification, the card lapses (municipal guides; the article is not
  // confirmed here, and deadlineDays counts from the event, not from the notification, so it stays null). The
  // signature certificate ends with the address change.
  { event: 'MOVE_TO_ANOTHER_MUNICIPALITY', classes: CARD_HOLDERS, arrangements: A, order: 3, action: 'CONTINUE_MY_NUMBER_CARD_USE', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: ['SPECIFIC_CARD', 'PIN_CODES'], basis: '転入届をした日から90日以内に転入先で継続利用の手続をしないとカードは失効（桑名市 http://www.city.kuwana.lg.jp/index.cfm/24,57026,225,353,html、苫小牧市 https://www.city.tomakomai.hokkaido.jp/kurashi/mynumber/keizoku.html）; 法令の条は未確認' },
  { event: 'MOVE_TO_ANOTHER_MUNICIPALITY', classes: CARD_HOLDERS, arrangements: A, order: 4, action: 'REISSUE_SIGNATURE_CERTIFICATE', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: ['SPECIFIC_CARD', 'PIN_CODES'], basis: '公的個人認証法: 住所の変更で署名用電子証明書は失効' },
  { event: 'MOVE_TO_ANOTHER_MUNICIPALITY', classes: CARD_HOLDERS, arrangements: B, order: 3, action: 'CONTINUE_MY_NUMBER_CARD_USE', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: ['MY_NUMBER_CARD', 'PIN_CODES'], basis: '転入届をした日から90日以内に転入先で継続利用の手続をしないとカードは失効（桑名市 http://www.city.kuwana.lg.jp/index.cfm/24,57026,225,353,html、苫小牧市 https://www.city.tomakomai.hokkaido.jp/kurashi/mynumber/keizoku.html）; 法令の条は未確認' },
  { event: 'MOVE_TO_ANOTHER_MUNICIPALITY', classes: CARD_HOLDERS, arrangements: B, order: 4, action: 'REISSUE_SIGNATURE_CERTIFICATE', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: ['MY_NUMBER_CARD', 'PIN_CODES'], basis: '公的個人認証法: 住所の変更で署名用電子証明書は失効' },

  { event: 'MY_NUMBER_FUNCTION_EXPIRY', classes: CARD_HOLDERS, arrangements: A, order: 1, action: 'RENEW_ELECTRONIC_CERTIFICATES', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: ['SPECIFIC_CARD', 'PIN_CODES'], basis: '公的個人認証法: 電子証明書は有効期限の3か月前から更新' },
  { event: 'MY_NUMBER_FUNCTION_EXPIRY', classes: CARD_HOLDERS, arrangements: B, order: 1, action: 'RENEW_ELECTRONIC_CERTIFICATES', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: ['MY_NUMBER_CARD', 'PIN_CODES'], basis: '公的個人認証法: 電子証明書は有効期限の3か月前から更新' },

  { event: 'RETURN_OF_FUNCTION', classes: CARD_HOLDERS, arrangements: A, order: 1, action: 'RETURN_MY_NUMBER_FUNCTION', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: ['SPECIFIC_CARD'], basis: '番号法17条; 特定在留カードは在留カードとして引き続き有効' },
  { event: 'RETURN_OF_FUNCTION', classes: CARD_HOLDERS, arrangements: B, order: 1, action: 'RETURN_MY_NUMBER_FUNCTION', counter: 'MUNICIPAL_OFFICE', deadlineDays: null, bring: ['MY_NUMBER_CARD'], basis: '番号法17条' },
];
