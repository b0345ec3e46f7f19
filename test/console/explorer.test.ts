import type { Browser, Page } from 'playwright-core';
import manifest from '../../gateway/persisted/manifest.json';
import type { Stack } from '../harness';
import { persona } from '../personas';
import { closeConsole, count, isLoopback, openConsole, textContaining, texts } from './browser';

/**
 * The explorer in production with CONSOLE=on: the approved operations to pick from, each read-only with the schema
 * documentation built in (production answers no introspection), run by its hash with the caller's variables; no
 * free text, and the gateway's safelist still refusing any other document.
 */

let stack: Stack;
let origin: string;
let browser: Browser;
let page: Page;
let urls: string[];
let cspViolations: string[];
const specific = persona('specific_card');
const staffOperations = manifest.operations.filter((op) => op.clients.includes('staff'));
const unified = manifest.operations.find((op) => op.name === 'CounterUnifiedRecord')!;

beforeAll(async () => ({ stack, origin, browser, page, urls, cspViolations } = await openConsole({ NODE_ENV: 'production', CONSOLE: 'on' })));
afterAll(() => closeConsole({ stack, browser }));

/** The query editor, CodeMirror's instance (evaluated in the page, whose globals the test's Node types lack). */
type Editor = { getValue(): string; setValue(text: string): void };
type Page$ = { document: { querySelector(selector: string): { CodeMirror: Editor } } };

/** The query editor's text, as CodeMirror holds it. */
function queryText(): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as Page$).document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue());
}

test('the approved staff operations to pick from, the schema documentation without introspection', async () => {
  await page.goto(`${origin}/console`);
  await page.locator('textarea').fill(await stack.token('isa-officer'));
  await page.locator('form button[type=submit]').click();
  await page.getByRole('link', { name: 'GraphiQL' }).click();
  const names = staffOperations.map((op) => `${op.name} (${op.type})`);
  expect(await texts(page.locator('.explorer-pick option'), names)).toEqual(names);
  expect(names).not.toContainEqual(expect.stringMatching(/^Partner/));
  expect(await count(page.locator('.graphiql-container'), 1)).toBe(1);
  await page.getByRole('button', { name: /Show Documentation Explorer/ }).click();
  expect(await textContaining(page.locator('.graphiql-doc-explorer'), 'Query')).toContain('Query');
  await page.locator('.graphiql-doc-explorer a', { hasText: 'Query' }).first().click();
  expect(await textContaining(page.locator('.graphiql-doc-explorer'), 'person')).toContain('person');
  expect(await queryText()).toBe(unified.body);
});

test('running an approved operation with variables: sent by its hash, the record comes back', async () => {
  await page.locator('.graphiql-editor-tool .CodeMirror').first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(JSON.stringify({ myNumber: specific.myNumber }));
  const response = page.waitForResponse((r) => r.url().endsWith('/graphql'));
  await page.locator('.graphiql-execute-button').click();
  const answer = await response;
  expect(JSON.parse(answer.request().postData()!)).toEqual({
    operationName: 'CounterUnifiedRecord',
    variables: { myNumber: specific.myNumber },
    extensions: { persistedQuery: { version: 1, sha256Hash: unified.id } },
  });
  const body = (await answer.json()) as { data: { record: { myNumber: string; residenceCard: { number: string } } } };
  expect(body.data.record.myNumber).toBe(specific.myNumber);
  expect(body.data.record.residenceCard.number).toBe(specific.residenceCardNumber);
});

test('picking another operation shows its text and its variables to fill', async () => {
  await page.locator('.explorer-pick select').selectOption('CounterResidenceCard');
  const card = manifest.operations.find((op) => op.name === 'CounterResidenceCard')!;
  expect(await textContaining(page.locator('.graphiql-query-editor'), 'CounterResidenceCard')).toContain('CounterResidenceCard');
  expect(await queryText()).toBe(card.body);
  expect(await textContaining(page.locator('.graphiql-editor-tool'), '"number": null')).toContain('"number": null');
});

test('free text cannot be typed into the query, nor sent if the page is tampered with', async () => {
  const before = await queryText();
  await page.locator('.graphiql-query-editor .CodeMirror').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('{ __typename }');
  await page.keyboard.insertText('{ __schema { types { name } } }');
  expect(await queryText()).toBe(before);

  // A page changed in the browser (the editor's own API) still sends nothing but approved operations.
  const sent: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/graphql')) sent.push(r.postData() ?? '');
  });
  await page.evaluate(() => (globalThis as unknown as Page$).document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue('{ persons(myNumbers: []) { myNumber } }'));
  await page.locator('.graphiql-execute-button').click();
  expect(await textContaining(page.locator('.result-window'), 'Only the approved operations run here')).toContain('Only the approved operations run here');
  expect(sent).toEqual([]);
});

test('the gateway refuses an unapproved document from the same caller (the API is the guard)', async () => {
  const token = await stack.token('isa-officer');
  const post = (body: unknown) => page.request.post(`${origin}/graphql`, { headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, data: body });
  const text = await post({ query: `query ($n: ID!) { person(myNumber: $n) { myNumber } }`, variables: { n: specific.myNumber } });
  expect(text.status()).toBe(400);
  expect(((await text.json()) as { errors: Array<{ extensions: { code: string } }> }).errors.map((e) => e.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
  const partner = manifest.operations.find((op) => op.name === 'PartnerVerifyResidenceCard')!;
  const partnerOnly = await post({ operationName: partner.name, variables: { number: specific.residenceCardNumber, expiresOn: '2030-01-01' }, extensions: { persistedQuery: { version: 1, sha256Hash: partner.id } } });
  expect(partnerOnly.status()).toBe(400);
  expect(((await partnerOnly.json()) as { errors: Array<{ extensions: { code: string } }> }).errors.map((e) => e.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
});

test('every request stayed on this machine, and the CSP blocked nothing', () => {
  expect(urls.filter((u) => !isLoopback(u))).toEqual([]);
  expect(cspViolations).toEqual([]);
});
