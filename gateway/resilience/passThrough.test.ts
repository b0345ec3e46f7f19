import { holds, opensWith } from './resilientDataSource';

/** The same bytes cut into chunks at every place, and into single bytes. */
function cuts(text: string): Buffer[][] {
  const bytes = Buffer.from(text);
  const out: Buffer[][] = [[bytes], Array.from(bytes, (b) => Buffer.from([b]))];
  for (let at = 0; at <= bytes.length; at++) out.push([bytes.subarray(0, at), bytes.subarray(at)]);
  return out;
}

const NEEDLE = Buffer.from('"extensions"');
const OPENING = Buffer.from('{"data":{');

test.each([
  ['{"data":{"a":1}}\n', true, false],
  ['{"data":{"a":1},"extensions":{"x":1}}\n', true, true],
  ['{"errors":[],"data":{"a":1}}\n', false, false],
  ['{"data"', false, false],
  ['{"data":{"s":"\\"extensions\\""}}\n', true, false],
])('%s: opens with data %s, holds "extensions" %s, however it is cut into chunks', (text, opens, extensions) => {
  for (const chunks of cuts(text)) {
    expect(opensWith(chunks, OPENING)).toBe(opens);
    expect(holds(chunks, NEEDLE)).toBe(extensions);
  }
});
