import { jsonEqual, splitCharactersOnly } from './load';

/** Decodes `text`'s UTF-8 bytes chunk by chunk, as autocannon builds a body (`body += chunk`). */
function decodedInChunks(text: string, cuts: number[]): string {
  const bytes = Buffer.from(text, 'utf8');
  let body = '';
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    body += bytes.subarray(from, cut).toString();
    from = cut;
  }
  return body;
}

describe('splitCharactersOnly (the benchmark checker)', () => {
  const expected = '{"label":"イラン","count":12,"other":"é","emoji":"😀"}';
  const at = (s: string) => Buffer.from(expected.slice(0, expected.indexOf(s)), 'utf8').length;

  it.each([
    ['inside a 3-byte character, after its first byte', [at('ラ') + 1]],
    ['inside a 3-byte character, after its second byte', [at('ラ') + 2]],
    ['inside a 2-byte character', [at('é') + 1]],
    ['inside a 4-byte character', [at('😀') + 2]],
    ['several chunks, each boundary inside a character', [at('イ') + 1, at('ン') + 2, at('é') + 1]],
  ])('accepts the answer split %s', (_case, cuts) => {
    const got = decodedInChunks(expected, cuts);
    expect(got).not.toBe(expected);
    expect(splitCharactersOnly(got, expected)).toBe(true);
  });

  it('refuses an identical body (nothing to repair: the caller compares those itself)', () => {
    expect(splitCharactersOnly(expected, expected)).toBe(false);
  });

  it.each([
    ['a wrong count', decodedInChunks(expected.replace('12', '13'), [at('ラ') + 1])],
    ['a wrong character', decodedInChunks(expected.replace('ラ', 'ヲ'), [at('ン') + 1])],
    ['an ASCII character replaced', expected.replace('count', 'c\uFFFD\uFFFDnt')],
    ['a single replacement for a whole character', expected.replace('ラ', '\uFFFD')],
    ['more replacements than the character has bytes', expected.replace('é', '\uFFFD\uFFFD\uFFFD')],
    ['a missing tail', decodedInChunks(expected, [at('ラ') + 1]).slice(0, -1)],
  ])('refuses %s', (_case, got) => {
    expect(splitCharactersOnly(got, expected)).toBe(false);
  });
});

describe('jsonEqual with splitCharactersOnly', () => {
  const expected = { data: { cells: [{ label: 'イラン', count: 3 }], total: 3 } };
  const split = decodedInChunks(JSON.stringify(expected), [Buffer.from('{"data":{"cells":[{"label":"イ').length + 1]);

  it('accepts a split body whose keys come in another order', () => {
    const reordered = JSON.parse(split.replace('"cells":[{"label"', '"total":3,"cells":[{"label"').replace(',"total":3}}', '}}'));
    expect(jsonEqual(reordered, expected)).toBe(false);
    expect(jsonEqual(reordered, expected, splitCharactersOnly)).toBe(true);
  });

  it('refuses a split body with a wrong number', () => {
    expect(jsonEqual(JSON.parse(split.replace('"count":3', '"count":4')), expected, splitCharactersOnly)).toBe(false);
  });
});
