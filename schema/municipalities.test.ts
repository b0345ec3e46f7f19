import { isValidLocalGovernmentCode } from './identifiers';
import { MUNICIPALITIES, municipalityByCode, PREFECTURES } from './municipalities';

describe('municipalities', () => {
  it.each(MUNICIPALITIES.map((m) => [m.code, m.name] as const))('%s %s has a valid check digit', (code) => {
    expect(isValidLocalGovernmentCode(code)).toBe(true);
  });

  it('lists at least 60 municipalities, each code once, each in its prefecture', () => {
    expect(MUNICIPALITIES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(MUNICIPALITIES.map((m) => m.code)).size).toBe(MUNICIPALITIES.length);
    expect(MUNICIPALITIES.every((m) => m.code.startsWith(m.prefectureCode) && m.weight > 0)).toBe(true);
  });

  it('covers all 47 prefectures', () => {
    expect(PREFECTURES.map((p) => p.code)).toEqual(Array.from({ length: 47 }, (_, i) => String(i + 1).padStart(2, '0')));
    expect(new Set(MUNICIPALITIES.map((m) => m.prefectureCode)).size).toBe(47);
  });

  it('includes the large foreign-resident municipalities by their real codes', () => {
    expect(
      ['131041', '131237', '131211', '131083', '131164', '131113', '271004', '231002', '141003', '141305', '112038', '221309', '281000', '401307', '261009', '105252', '102059'].map(
        (code) => municipalityByCode(code)?.name,
      ),
    ).toEqual(['新宿区', '江戸川区', '足立区', '江東区', '豊島区', '大田区', '大阪市', '名古屋市', '横浜市', '川崎市', '川口市', '浜松市', '神戸市', '福岡市', '京都市', '大泉町', '太田市']);
  });
});
