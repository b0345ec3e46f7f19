/** Real prefectures and municipalities (全国地方公共団体コード) with the weights that place synthetic residents. */

/** A prefecture: JIS X 0401 code, names, and its foreign residents at the end of 2024 (the placement weight). */
export interface Prefecture {
  code: string;
  ja: string;
  en: string;
  foreignResidents: number;
}

/**
 * The 47 prefectures. Tokyo, Osaka, Aichi, Kanagawa and Saitama carry the published end-2024 figures
 * (data/foreign-residents-2024.json, topPrefectures). The other 42 are estimates from the ISA's published
 * prefecture tables for end-2023 grown by about 5%, scaled so that they sum to the remainder of the
 * published total (3,768,977 − 1,959,075 = 1,809,902); Chiba takes the rounding (225,802).
 * The 47 figures therefore sum to exactly 3,768,977.
 */
export const PREFECTURES: readonly Prefecture[] = [
  { code: '01', ja: '北海道', en: 'Hokkaido', foreignResidents: 65_200 },
  { code: '02', ja: '青森県', en: 'Aomori', foreignResidents: 8_900 },
  { code: '03', ja: '岩手県', en: 'Iwate', foreignResidents: 11_600 },
  { code: '04', ja: '宮城県', en: 'Miyagi', foreignResidents: 30_500 },
  { code: '05', ja: '秋田県', en: 'Akita', foreignResidents: 6_100 },
  { code: '06', ja: '山形県', en: 'Yamagata', foreignResidents: 11_000 },
  { code: '07', ja: '福島県', en: 'Fukushima', foreignResidents: 21_000 },
  { code: '08', ja: '茨城県', en: 'Ibaraki', foreignResidents: 104_000 },
  { code: '09', ja: '栃木県', en: 'Tochigi', foreignResidents: 57_800 },
  { code: '10', ja: '群馬県', en: 'Gunma', foreignResidents: 84_100 },
  { code: '11', ja: '埼玉県', en: 'Saitama', foreignResidents: 262_382 },
  { code: '12', ja: '千葉県', en: 'Chiba', foreignResidents: 225_802 },
  { code: '13', ja: '東京都', en: 'Tokyo', foreignResidents: 738_946 },
  { code: '14', ja: '神奈川県', en: 'Kanagawa', foreignResidents: 292_450 },
  { code: '15', ja: '新潟県', en: 'Niigata', foreignResidents: 26_300 },
  { code: '16', ja: '富山県', en: 'Toyama', foreignResidents: 25_200 },
  { code: '17', ja: '石川県', en: 'Ishikawa', foreignResidents: 22_100 },
  { code: '18', ja: '福井県', en: 'Fukui', foreignResidents: 20_000 },
  { code: '19', ja: '山梨県', en: 'Yamanashi', foreignResidents: 24_200 },
  { code: '20', ja: '長野県', en: 'Nagano', foreignResidents: 48_300 },
  { code: '21', ja: '岐阜県', en: 'Gifu', foreignResidents: 73_600 },
  { code: '22', ja: '静岡県', en: 'Shizuoka', foreignResidents: 128_200 },
  { code: '23', ja: '愛知県', en: 'Aichi', foreignResidents: 331_733 },
  { code: '24', ja: '三重県', en: 'Mie', foreignResidents: 69_400 },
  { code: '25', ja: '滋賀県', en: 'Shiga', foreignResidents: 42_000 },
  { code: '26', ja: '京都府', en: 'Kyoto', foreignResidents: 82_000 },
  { code: '27', ja: '大阪府', en: 'Osaka', foreignResidents: 333_564 },
  { code: '28', ja: '兵庫県', en: 'Hyogo', foreignResidents: 141_900 },
  { code: '29', ja: '奈良県', en: 'Nara', foreignResidents: 18_900 },
  { code: '30', ja: '和歌山県', en: 'Wakayama', foreignResidents: 10_500 },
  { code: '31', ja: '鳥取県', en: 'Tottori', foreignResidents: 6_800 },
  { code: '32', ja: '島根県', en: 'Shimane', foreignResidents: 12_100 },
  { code: '33', ja: '岡山県', en: 'Okayama', foreignResidents: 42_000 },
  { code: '34', ja: '広島県', en: 'Hiroshima', foreignResidents: 66_200 },
  { code: '35', ja: '山口県', en: 'Yamaguchi', foreignResidents: 21_000 },
  { code: '36', ja: '徳島県', en: 'Tokushima', foreignResidents: 8_900 },
  { code: '37', ja: '香川県', en: 'Kagawa', foreignResidents: 19_400 },
  { code: '38', ja: '愛媛県', en: 'Ehime', foreignResidents: 18_900 },
  { code: '39', ja: '高知県', en: 'Kochi', foreignResidents: 7_400 },
  { code: '40', ja: '福岡県', en: 'Fukuoka', foreignResidents: 110_300 },
  { code: '41', ja: '佐賀県', en: 'Saga', foreignResidents: 11_000 },
  { code: '42', ja: '長崎県', en: 'Nagasaki', foreignResidents: 15_800 },
  { code: '43', ja: '熊本県', en: 'Kumamoto', foreignResidents: 31_500 },
  { code: '44', ja: '大分県', en: 'Oita', foreignResidents: 20_000 },
  { code: '45', ja: '宮崎県', en: 'Miyazaki', foreignResidents: 11_600 },
  { code: '46', ja: '鹿児島県', en: 'Kagoshima', foreignResidents: 20_000 },
  { code: '47', ja: '沖縄県', en: 'Okinawa', foreignResidents: 28_400 },
];

/** A municipality: 6-digit code with check digit, its prefecture, names, and a placement weight within the prefecture. */
export interface Municipality {
  code: string;
  prefectureCode: string;
  prefecture: string;
  name: string;
  nameEn: string;
  /** Approximate foreign residents (end of 2024, rounded); only splits the prefecture's figure among the rows listed here. */
  weight: number;
}

const prefectureByCode = new Map(PREFECTURES.map((p) => [p.code, p]));

function m(code: string, name: string, nameEn: string, weight: number): Municipality {
  const prefecture = prefectureByCode.get(code.slice(0, 2));
  if (!prefecture) throw new Error(`no prefecture for municipality ${code}`);
  return { code, prefectureCode: prefecture.code, prefecture: prefecture.ja, name, nameEn, weight };
}

/**
 * Every prefectural capital (Tokyo: Shinjuku, seat of the metropolitan government) plus the municipalities with
 * the most foreign residents (the 23 special wards, designated cities, and manufacturing towns such as
 * Oizumi, Ota, Isesaki, Hamamatsu, Toyohashi, Toyota, Joso). A generated resident's prefecture follows
 * `PREFECTURES`; the municipality within it follows `weight`, so the prefecture's whole figure lands on the rows here.
 */
export const MUNICIPALITIES: readonly Municipality[] = [
  m('011002', '札幌市', 'Sapporo City', 20_000),
  m('022012', '青森市', 'Aomori City', 1_500),
  m('032018', '盛岡市', 'Morioka City', 2_000),
  m('041009', '仙台市', 'Sendai City', 17_000),
  m('052019', '秋田市', 'Akita City', 1_500),
  m('062014', '山形市', 'Yamagata City', 2_000),
  m('072010', '福島市', 'Fukushima City', 2_500),
  m('072036', '郡山市', 'Koriyama City', 3_000),
  m('082015', '水戸市', 'Mito City', 4_000),
  m('082201', 'つくば市', 'Tsukuba City', 13_000),
  m('082112', '常総市', 'Joso City', 6_500),
  m('092011', '宇都宮市', 'Utsunomiya City', 11_000),
  m('092088', '小山市', 'Oyama City', 7_000),
  m('092096', '真岡市', 'Moka City', 4_000),
  m('102016', '前橋市', 'Maebashi City', 9_000),
  m('102041', '伊勢崎市', 'Isesaki City', 16_000),
  m('102059', '太田市', 'Ota City', 14_000),
  m('105252', '大泉町', 'Oizumi Town', 8_500),
  m('111007', 'さいたま市', 'Saitama City', 45_000),
  m('112038', '川口市', 'Kawaguchi City', 48_000),
  m('112011', '川越市', 'Kawagoe City', 12_000),
  m('112089', '所沢市', 'Tokorozawa City', 9_000),
  m('112232', '蕨市', 'Warabi City', 9_000),
  m('112241', '戸田市', 'Toda City', 9_000),
  m('121002', '千葉市', 'Chiba City', 35_000),
  m('122033', '市川市', 'Ichikawa City', 22_000),
  m('122041', '船橋市', 'Funabashi City', 25_000),
  m('122076', '松戸市', 'Matsudo City', 22_000),
  m('122173', '柏市', 'Kashiwa City', 12_000),
  m('131016', '千代田区', 'Chiyoda City', 4_500),
  m('131024', '中央区', 'Chuo City', 11_000),
  m('131032', '港区', 'Minato City', 21_000),
  m('131041', '新宿区', 'Shinjuku City', 45_000),
  m('131059', '文京区', 'Bunkyo City', 13_000),
  m('131067', '台東区', 'Taito City', 20_000),
  m('131075', '墨田区', 'Sumida City', 18_000),
  m('131083', '江東区', 'Koto City', 37_000),
  m('131091', '品川区', 'Shinagawa City', 17_000),
  m('131105', '目黒区', 'Meguro City', 10_000),
  m('131113', '大田区', 'Ota City', 28_000),
  m('131121', '世田谷区', 'Setagaya City', 26_000),
  m('131130', '渋谷区', 'Shibuya City', 12_000),
  m('131148', '中野区', 'Nakano City', 21_000),
  m('131156', '杉並区', 'Suginami City', 19_000),
  m('131164', '豊島区', 'Toshima City', 34_000),
  m('131172', '北区', 'Kita City', 28_000),
  m('131181', '荒川区', 'Arakawa City', 23_000),
  m('131199', '板橋区', 'Itabashi City', 30_000),
  m('131202', '練馬区', 'Nerima City', 23_000),
  m('131211', '足立区', 'Adachi City', 40_000),
  m('131229', '葛飾区', 'Katsushika City', 27_000),
  m('131237', '江戸川区', 'Edogawa City', 43_000),
  m('132012', '八王子市', 'Hachioji City', 16_000),
  m('132063', '府中市', 'Fuchu City', 7_000),
  m('132098', '町田市', 'Machida City', 9_000),
  m('141003', '横浜市', 'Yokohama City', 125_000),
  m('141305', '川崎市', 'Kawasaki City', 55_000),
  m('141500', '相模原市', 'Sagamihara City', 18_000),
  m('142123', '厚木市', 'Atsugi City', 9_000),
  m('142131', '大和市', 'Yamato City', 9_000),
  m('151009', '新潟市', 'Niigata City', 8_000),
  m('162019', '富山市', 'Toyama City', 8_000),
  m('172014', '金沢市', 'Kanazawa City', 7_500),
  m('182010', '福井市', 'Fukui City', 4_500),
  m('182095', '越前市', 'Echizen City', 5_000),
  m('192015', '甲府市', 'Kofu City', 5_500),
  m('202011', '長野市', 'Nagano City', 6_000),
  m('202029', '松本市', 'Matsumoto City', 5_000),
  m('202037', '上田市', 'Ueda City', 5_000),
  m('212016', '岐阜市', 'Gifu City', 13_000),
  m('212024', '大垣市', 'Ogaki City', 6_000),
  m('221007', '静岡市', 'Shizuoka City', 15_000),
  m('221309', '浜松市', 'Hamamatsu City', 33_000),
  m('231002', '名古屋市', 'Nagoya City', 100_000),
  m('232017', '豊橋市', 'Toyohashi City', 22_000),
  m('232025', '岡崎市', 'Okazaki City', 14_000),
  m('232114', '豊田市', 'Toyota City', 22_000),
  m('242012', '津市', 'Tsu City', 11_000),
  m('242021', '四日市市', 'Yokkaichi City', 14_000),
  m('242071', '鈴鹿市', 'Suzuka City', 10_000),
  m('252018', '大津市', 'Otsu City', 5_000),
  m('261009', '京都市', 'Kyoto City', 60_000),
  m('271004', '大阪市', 'Osaka City', 185_000),
  m('271403', '堺市', 'Sakai City', 20_000),
  m('272272', '東大阪市', 'Higashiosaka City', 22_000),
  m('281000', '神戸市', 'Kobe City', 60_000),
  m('282014', '姫路市', 'Himeji City', 15_000),
  m('282022', '尼崎市', 'Amagasaki City', 15_000),
  m('292010', '奈良市', 'Nara City', 4_500),
  m('302015', '和歌山市', 'Wakayama City', 3_500),
  m('312011', '鳥取市', 'Tottori City', 1_800),
  m('322016', '松江市', 'Matsue City', 2_500),
  m('322032', '出雲市', 'Izumo City', 5_000),
  m('331007', '岡山市', 'Okayama City', 17_000),
  m('341002', '広島市', 'Hiroshima City', 25_000),
  m('342076', '福山市', 'Fukuyama City', 11_000),
  m('352039', '山口市', 'Yamaguchi City', 2_500),
  m('352012', '下関市', 'Shimonoseki City', 4_000),
  m('362018', '徳島市', 'Tokushima City', 3_000),
  m('372013', '高松市', 'Takamatsu City', 6_000),
  m('382019', '松山市', 'Matsuyama City', 5_000),
  m('392014', '高知市', 'Kochi City', 2_500),
  m('401307', '福岡市', 'Fukuoka City', 45_000),
  m('401005', '北九州市', 'Kitakyushu City', 17_000),
  m('412015', '佐賀市', 'Saga City', 3_000),
  m('422011', '長崎市', 'Nagasaki City', 4_000),
  m('431001', '熊本市', 'Kumamoto City', 9_000),
  m('442011', '大分市', 'Oita City', 6_000),
  m('452017', '宮崎市', 'Miyazaki City', 3_000),
  m('462012', '鹿児島市', 'Kagoshima City', 5_000),
  m('472018', '那覇市', 'Naha City', 6_000),
];

const municipalityByCodeMap = new Map(MUNICIPALITIES.map((row) => [row.code, row]));

/** The municipality with this code, if it is in the table. */
export function municipalityByCode(code: string): Municipality | undefined {
  return municipalityByCodeMap.get(code);
}


/** The municipality for a local-government code (the registry's reference table), if known. */
export function municipality(code: string): Municipality | undefined {
  return municipalityByCode(code);
}
