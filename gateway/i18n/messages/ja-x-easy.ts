/**
 * やさしい日本語 (ja-x-easy) のエラーメッセージ。出入国在留管理庁の「在留支援のためのやさしい日本語ガイドライン」に
 * したがって: 一つの文は短く、一つのことだけを言う; です・ます で書く; 漢字には すぐ後ろに（ ）で 読み方を
 * ひらがなで書く（schema/i18n/ja-x-easy.ts と同じ）; 文節の間は空ける（分かち書き）。messages.test.ts が確かめる。
 */
import type { Messages } from '../types';

export const messages: Messages = {
  authorities: {
    mynumber: 'マイナンバーの システム（J-LIS）',
    registry: '市区町村（しくちょうそん）の システム',
    immigration: '入管（にゅうかん）の システム',
  },
  someAuthority: 'ほかの システム',
  errors: {
    UNAUTHENTICATED: 'ログイン して ください。',
    INVALID_TOKEN: 'ログインの 情報（じょうほう）が 正（ただ）しく ありません。もう一度（いちど） ログイン して ください。',
    TOKEN_EXPIRED: 'ログインの 時間（じかん）が 終（お）わりました。もう一度（いちど） ログイン して ください。',
    UNKNOWN_ROLE: 'この アカウントでは この サービスを 使（つか）えません。係（かかり）の 人（ひと）に 聞（き）いて ください。',
    MUNICIPALITY_REQUIRED:
      'この アカウントには 市区町村（しくちょうそん）の 名前（なまえ）が ありません。係（かかり）の 人（ひと）に 聞（き）いて ください。',
    MY_NUMBER_REQUIRED: 'この アカウントには マイナンバーが ありません。係（かかり）の 人（ひと）に 聞（き）いて ください。',
    INVALID_API_KEY: 'APIキーが 正（ただ）しく ありません。',
    API_KEY_REVOKED: 'この APIキーは もう 使（つか）えません。新（あたら）しい キーを もらって ください。',
    API_KEY_EXPIRED: 'この APIキーは 期限（きげん）が 終（お）わりました。新（あたら）しい キーを もらって ください。',
    PURPOSE_NOT_ALLOWED: 'あなたは この 目的（もくてき）で 記録（きろく）を 見（み）る ことが できません。',
    RATE_LIMITED: 'アクセスが 多（おお）すぎます。すこし 待（ま）って ください。それから もう一度（いちど） ためして ください。',
    BAD_REQUEST: 'リクエストが 正（ただ）しく ありません。送（おく）り方（かた）を たしかめて ください。',
    NOT_FOUND: 'この アドレスには 何（なに）も ありません。',
    UNSUPPORTED_MEDIA_TYPE: 'リクエストは JSONで 送（おく）って ください。',
    PAYLOAD_TOO_LARGE: 'リクエストが 大（おお）きすぎます。',
    GRAPHQL_PARSE_FAILED: 'クエリの 書（か）き方（かた）が 正（ただ）しく ありません。',
    GRAPHQL_VALIDATION_FAILED: 'この サービスでは この クエリを 使（つか）えません。',
    BAD_USER_INPUT: 'リクエストの 中（なか）に 正（ただ）しくない 値（あたい）が あります。',
    OPERATION_RESOLUTION_FAILURE: 'どの 操作（そうさ）を するか わかりません。operationNameに 名前（なまえ）を 書（か）いて ください。',
    PERSISTED_QUERY_NOT_FOUND: 'この 登録（とうろく）された クエリは ありません。',
    PERSISTED_QUERY_NOT_SUPPORTED: 'ここでは 登録（とうろく）された クエリを 使（つか）えません。',
    QUERY_TOO_DEEP: 'クエリが 深（ふか）すぎます。',
    TOO_MANY_ALIASES: 'クエリの 別名（べつめい）が 多（おお）すぎます。',
    TOO_MANY_ROOT_FIELDS: '一度（いちど）に 聞（き）く ことが 多（おお）すぎます。',
    TOO_MANY_TOKENS: 'クエリが 長（なが）すぎます。',
    TOO_MANY_DIRECTIVES: 'クエリの ディレクティブが 多（おお）すぎます。',
    TOO_MANY_SELECTIONS: 'クエリで えらぶ 項目（こうもく）が 多（おお）すぎます。',
    QUERY_TOO_COSTLY: 'クエリが 大（おお）きすぎます。一度（いちど）に 聞（き）く ことを へらして ください。',
    INTROSPECTION_DISABLED: 'この サーバーでは スキーマを 見（み）る ことが できません。',
    PERSISTED_QUERY_NOT_IN_LIST: 'この クエリは、あなたの アプリで 使（つか）える クエリの リストに ありません。',
    AUTHORITY_UNAVAILABLE:
      'いま {authority}に つながりません。ほかの 情報（じょうほう）は 見（み）る ことが できます。何分（なんぷん）か 待（ま）って ください。それから もう一度（いちど） ためして ください。それまでは、見（み）えない 情報（じょうほう）を 使（つか）って 決（き）めないで ください。',
    AUTHORITY_ERROR: '{authority}で 手続（てつづ）きが できませんでした。あとで もう一度（いちど） ためして ください。',
    ACCESS_LOG_UNAVAILABLE: 'アクセスを 記録（きろく）できませんでした。だから 何（なに）も 見（み）せて いません。何分（なんぷん）か 待（ま）って ください。それから もう一度（いちど） ためして ください。',
    INTERNAL_SERVER_ERROR:
      'システムに 問題（もんだい）が ありました。もう一度（いちど） ためして ください。また 同（おな）じ ときは、リクエストIDを 係（かかり）の 人（ひと）に 伝（つた）えて ください。',
    INVALID_MY_NUMBER_FORMAT: 'マイナンバーは 12けたの 数字（すうじ）です。',
    INVALID_MY_NUMBER_CHECK_DIGIT: 'この マイナンバーは 正（ただ）しく ありません。番号（ばんごう）を もう一度（いちど） 見（み）て ください。',
    INVALID_RESIDENCE_CARD_NUMBER:
      '在留（ざいりゅう）カードの 番号（ばんごう）は、アルファベット 2つ、数字（すうじ） 8つ、アルファベット 2つです（れい：AB12345678CD）。',
    INVALID_DATE: 'この 日（ひ）づけは 使（つか）えません。「2026-06-14」の ように 書（か）いて ください。',
    TOO_MANY_PERSONS: '一度（いちど）に 調（しら）べられるのは 100人（にん）までです。',
    FORBIDDEN: 'あなたは これを する ことが できません。',
    PERSON_NOT_FOUND: 'この 人（ひと）の 記録（きろく）は ありません。',
    CARD_NOT_FOUND: 'この 番号（ばんごう）の カードは ありません。',
    NOT_ELIGIBLE: 'この 人（ひと）は 特定在留（とくていざいりゅう）カードを もつ ことが できません。理由（りゆう）を 見（み）て ください。',
    ALREADY_HOLDS_SPECIFIC_CARD: 'この 人（ひと）は もう 特定在留（とくていざいりゅう）カードを もって います。',
    CARD_ALREADY_REPORTED_LOST: 'この カードを なくした ことは もう 届（とど）けられて います。',
    CARD_NOT_IN_FORCE: 'この カードは もう 使（つか）えません。',
    NO_CARD_IN_FORCE: 'この 人（ひと）は 使（つか）える 在留（ざいりゅう）カードを もって いません。',
    NO_PERIOD_OF_STAY: 'この 人（ひと）には 更新（こうしん）できる 在留期間（ざいりゅうきかん）が ありません。',
    INVALID_NEW_EXPIRY: '新（あたら）しい 在留期間（ざいりゅうきかん）の 終（お）わりの 日（ひ）が 正（ただ）しく ありません。',
    STATUS_CHANGE_NOT_APPLICABLE: 'この 人（ひと）は この 在留資格（ざいりゅうしかく）に 変（か）える ことが できません。',
    SAME_STATUS: 'この 人（ひと）は もう この 在留資格（ざいりゅうしかく）を もって います。',
    MY_NUMBER_CARD_ALREADY_ISSUED: 'この 人（ひと）は もう マイナンバーカードを もって います。',
    SPECIFIC_CARD_CARRIES_FUNCTION: 'この 特定在留（とくていざいりゅう）カードには もう マイナンバーカードの 機能（きのう）が あります。',
    NO_ACTIVE_MY_NUMBER_CARD: 'マイナンバーカードの 機能（きのう）が 使（つか）える カードが ありません。',
    CERTIFICATES_NOT_ACTIVE: '止（と）める ことが できる 電子証明書（でんししょうめいしょ）が ありません。',
    CERTIFICATES_NOT_SUSPENDED: '止（と）まって いる 電子証明書（でんししょうめいしょ）が ありません。',
    RESIDENCE_CARD_NUMBER_MISMATCH:
      '中長期在留者（ちゅうちょうきざいりゅうしゃ）と 特別永住者（とくべつえいじゅうしゃ）は、カードの 番号（ばんごう）と いっしょに 登録（とうろく）します。ほかの 人（ひと）は 番号（ばんごう）なしで 登録（とうろく）します。',
    UNKNOWN_MUNICIPALITY: 'この 市区町村（しくちょうそん）の コードは ありません。',
    INVALID_NAME_OR_ADDRESS: '名前（なまえ）と 住所（じゅうしょ）を 書（か）いて ください。',
    RESIDENT_ALREADY_REGISTERED: 'この 人（ひと）は もう 住民登録（じゅうみんとうろく）を して います。',
    RESIDENT_REMOVED: 'この 人（ひと）の 住民票（じゅうみんひょう）は 消（け）されて います。',
  },
};
