import {
  isValidLocalGovernmentCode,
  localGovernmentCodeCheckDigit,
  makeMyNumber,
  myNumberCheckDigit,
  parseDate,
  parseMyNumber,
  parseResidenceCardNumber,
} from './identifiers';

describe('myNumberCheckDigit', () => {
  test.each([
    ['62149832025', 7], // sum 180, r 4
    ['12345678901', 8], // sum 212, r 3
    ['00000000000', 0], // r 0
    ['00000000006', 0], // sum 12, r 1
    ['00000000005', 1], // sum 10, r 10
    ['99999999999', 6], // sum 423, r 5
  ])('%s → %i', (first11, expected) => {
    expect(myNumberCheckDigit(first11)).toBe(expected);
  });

  test.each([['6214983202'], ['621498320250'], ['６２１４９８３２０２５'], ['6214983202a']])('rejects %j', (input) => {
    expect(() => myNumberCheckDigit(input)).toThrow(RangeError);
  });
});

describe('makeMyNumber', () => {
  test.each([
    ['62149832025', '621498320257'],
    ['12345678901', '123456789018'],
  ])('%s → %s', (first11, expected) => {
    expect(makeMyNumber(first11)).toBe(expected);
  });
});

describe('parseMyNumber', () => {
  test.each([
    ['621498320257', { ok: true, value: '621498320257' }],
    ['123456789018', { ok: true, value: '123456789018' }],
    ['６２１４９８３２０２５７', { ok: true, value: '621498320257' }],
    ['6214９８３２0257', { ok: true, value: '621498320257' }],
    ['621498320258', { ok: false, code: 'INVALID_MY_NUMBER_CHECK_DIGIT' }],
    ['123456789010', { ok: false, code: 'INVALID_MY_NUMBER_CHECK_DIGIT' }],
    ['6214 9832 0257', { ok: false, code: 'INVALID_MY_NUMBER_FORMAT' }],
    [' 621498320257', { ok: false, code: 'INVALID_MY_NUMBER_FORMAT' }],
    ['621498320257 ', { ok: false, code: 'INVALID_MY_NUMBER_FORMAT' }],
    ['6214-9832-0257', { ok: false, code: 'INVALID_MY_NUMBER_FORMAT' }],
    ['62149832025', { ok: false, code: 'INVALID_MY_NUMBER_FORMAT' }],
    ['6214983202570', { ok: false, code: 'INVALID_MY_NUMBER_FORMAT' }],
    ['62149832025A', { ok: false, code: 'INVALID_MY_NUMBER_FORMAT' }],
    ['abcdefghijkl', { ok: false, code: 'INVALID_MY_NUMBER_FORMAT' }],
    ['٦٢١٤٩٨٣٢٠٢٥٧', { ok: false, code: 'INVALID_MY_NUMBER_FORMAT' }],
    ['', { ok: false, code: 'INVALID_MY_NUMBER_FORMAT' }],
  ])('%j → %j', (input, expected) => {
    expect(parseMyNumber(input)).toEqual(expected);
  });
});

describe('parseResidenceCardNumber', () => {
  test.each([
    ['AB12345678CD', { ok: true, value: 'AB12345678CD' }],
    ['ab12345678cd', { ok: true, value: 'AB12345678CD' }],
    ['Ab12345678cD', { ok: true, value: 'AB12345678CD' }],
    ['ＡＢ１２３４５６７８ＣＤ', { ok: true, value: 'AB12345678CD' }],
    ['ａｂ12345678ｃｄ', { ok: true, value: 'AB12345678CD' }],
    ['AB 12345678 CD', { ok: false, code: 'INVALID_RESIDENCE_CARD_NUMBER' }],
    ['AB-12345678-CD', { ok: false, code: 'INVALID_RESIDENCE_CARD_NUMBER' }],
    ['AB1234567CD', { ok: false, code: 'INVALID_RESIDENCE_CARD_NUMBER' }],
    ['AB123456789CD', { ok: false, code: 'INVALID_RESIDENCE_CARD_NUMBER' }],
    ['A123456789CD', { ok: false, code: 'INVALID_RESIDENCE_CARD_NUMBER' }],
    ['AB12345678C', { ok: false, code: 'INVALID_RESIDENCE_CARD_NUMBER' }],
    ['1212345678CD', { ok: false, code: 'INVALID_RESIDENCE_CARD_NUMBER' }],
    ['ß12345678CD', { ok: false, code: 'INVALID_RESIDENCE_CARD_NUMBER' }],
    ['ıB12345678CD', { ok: false, code: 'INVALID_RESIDENCE_CARD_NUMBER' }],
    ['', { ok: false, code: 'INVALID_RESIDENCE_CARD_NUMBER' }],
  ])('%j → %j', (input, expected) => {
    expect(parseResidenceCardNumber(input)).toEqual(expected);
  });
});

describe('localGovernmentCodeCheckDigit', () => {
  test.each([
    ['13101', 6], // 千代田区: sum 27, r 5
    ['13104', 1], // 新宿区: sum 33, r 0
    ['27100', 4], // 大阪市: sum 51, r 7
    ['23100', 2], // 名古屋市: sum 31, r 9
    ['01100', 2], // 札幌市
    ['13000', 1], // 東京都: sum 21, r 10
    ['20000', 0], // sum 12, r 1
  ])('%s → %i', (first5, expected) => {
    expect(localGovernmentCodeCheckDigit(first5)).toBe(expected);
  });

  test('rejects anything but 5 ASCII digits', () => {
    expect(() => localGovernmentCodeCheckDigit('1310')).toThrow(RangeError);
  });
});

describe('isValidLocalGovernmentCode', () => {
  test.each([
    ['131016', true],
    ['131041', true],
    ['271004', true],
    ['231002', true],
    ['011002', true],
    ['130001', true],
    ['131017', false],
    ['131040', false],
    ['13101', false],
    ['1310166', false],
    ['１３１０１６', false],
    ['13101a', false],
    ['', false],
  ])('%j → %s', (code, expected) => {
    expect(isValidLocalGovernmentCode(code)).toBe(expected);
  });
});

describe('parseDate', () => {
  test.each([
    ['2026-06-14', { ok: true, value: '2026-06-14' }],
    ['2024-02-29', { ok: true, value: '2024-02-29' }],
    ['2025-02-29', { ok: false, code: 'INVALID_DATE' }],
    ['2026-06-31', { ok: false, code: 'INVALID_DATE' }],
    ['2026-6-14', { ok: false, code: 'INVALID_DATE' }],
    ['2026/06/14', { ok: false, code: 'INVALID_DATE' }],
    ['20260614', { ok: false, code: 'INVALID_DATE' }],
    ['2026-06-14T00:00:00Z', { ok: false, code: 'INVALID_DATE' }],
    ['', { ok: false, code: 'INVALID_DATE' }],
  ])('%j → %j', (input, expected) => {
    expect(parseDate(input)).toEqual(expected);
  });
});
