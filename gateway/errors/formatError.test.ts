import { Registry } from 'prom-client';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { GraphQLFormattedError } from 'graphql';
import { HttpError } from '../../runtime/http';
import { openScope, type RequestScope } from '../logging';
import { errorMessage } from '../i18n';
import { clientCode, createFormatError, httpErrorBody, translateErrors, translateOutsidePipeline } from './formatError';

const scopeIn = (language: RequestScope['language']): RequestScope => ({ requestId: 'test-request-1', language, log: { codes: [] } });

describe('clientCode', () => {
  test.each([
    ['a subgraph code', { message: 'x', extensions: { code: 'CARD_NOT_FOUND', serviceName: 'immigration' } }, 'CARD_NOT_FOUND'],
    ['a depth limit', { message: 'x', extensions: { code: 'GRAPHQL_VALIDATION_FAILED', validationErrorCode: 'QUERY_TOO_DEEP' } }, 'QUERY_TOO_DEEP'],
    ['introspection refused', { message: 'x', extensions: { code: 'GRAPHQL_VALIDATION_FAILED', validationErrorCode: 'INTROSPECTION_DISABLED' } }, 'INTROSPECTION_DISABLED'],
    ['a fragment bomb', { message: 'x', extensions: { code: 'GRAPHQL_VALIDATION_FAILED', validationErrorCode: 'MAX_RECURSIVE_SELECTIONS_EXCEEDED' } }, 'TOO_MANY_SELECTIONS'],
    ['the token limit', { message: 'Syntax Error: Document contains more that 1000 tokens. Parsing aborted.', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }, 'TOO_MANY_TOKENS'],
    ['a subgraph code not yet catalogued', { message: 'x', extensions: { code: 'NEW_RULE', serviceName: 'registry' } }, 'NEW_RULE'],
    ['a gateway error of unknown code', { message: 'x', extensions: { code: 'DOWNSTREAM_SERVICE_ERROR' } }, 'INTERNAL_SERVER_ERROR'],
    ['an error without a code', { message: 'x' }, 'INTERNAL_SERVER_ERROR'],
  ])('%s', (_name, formatted, expected) => {
    expect(clientCode(formatted)).toBe(expected);
  });
});

describe('formatError', () => {
  const format = createFormatError({ production: false, registry: new Registry() });
  const production = createFormatError({ production: true, registry: new Registry() });

  test('an internal error is masked: no message, URL, stack or subgraph response leaves', () => {
    const out = format(
      {
        message: 'request to http://127.0.0.1:4002/graphql failed, reason: connect ECONNREFUSED',
        path: ['person'],
        extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'], response: { url: 'http://127.0.0.1:4002', body: 'SELECT' } },
      },
      undefined,
      scopeIn('en'),
    );
    expect(out).toEqual({
      message: 'Something went wrong on our side. Try again; if it happens again, give the help desk the request ID.',
      path: ['person'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', messageKey: 'INTERNAL_SERVER_ERROR' },
    });
  });

  test('a subgraph error is translated, keeps its code and extras, loses the subgraph name', () => {
    const out = format(
      {
        message: 'This person may not hold a specific card',
        path: ['issueSpecificResidenceCard'],
        extensions: { code: 'NOT_ELIGIBLE', reason: 'TEMPORARY_REFUGE', serviceName: 'immigration' },
      },
      undefined,
      scopeIn('ja-x-easy'),
    );
    expect(out).toEqual({
      message: 'この 人（ひと）は 特定在留（とくていざいりゅう）カードを もつ ことが できません。理由（りゆう）を 見（み）て ください。',
      path: ['issueSpecificResidenceCard'],
      extensions: { code: 'NOT_ELIGIBLE', reason: 'TEMPORARY_REFUGE', messageKey: 'NOT_ELIGIBLE' },
    });
  });

  test('AUTHORITY_UNAVAILABLE names the authority in the caller language', () => {
    const out = format({ message: 'registry is unavailable', extensions: { code: 'AUTHORITY_UNAVAILABLE', authority: 'registry' } }, undefined, scopeIn('ja'));
    expect(out.message).toMatch(/^市区町村（住民基本台帳）のシステムが現在応答していません。/);
    expect(out.extensions).toEqual({ code: 'AUTHORITY_UNAVAILABLE', authority: 'registry', messageKey: 'AUTHORITY_UNAVAILABLE' });
  });

  test('a refused query keeps its English detail outside production only', () => {
    const error = { message: 'Query depth limit of 8 exceeded, found 10.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED', validationErrorCode: 'QUERY_TOO_DEEP' } };
    expect(format(error, undefined, scopeIn('ko')).extensions).toEqual({ code: 'QUERY_TOO_DEEP', messageKey: 'QUERY_TOO_DEEP', detail: error.message });
    expect(production(error, undefined, scopeIn('ko'))).toEqual({
      message: '쿼리의 중첩이 너무 깊습니다.',
      extensions: { code: 'QUERY_TOO_DEEP', messageKey: 'QUERY_TOO_DEEP' },
    });
  });

  test("with the request's scope, the code goes on its log line; without one, English and nothing logged", () => {
    const scope = scopeIn('ja');
    format({ message: 'x', extensions: { code: 'CARD_NOT_FOUND', serviceName: 'immigration' } }, undefined, scope);
    expect(scope.log.codes).toEqual(['CARD_NOT_FOUND']);
    const out = format({ message: 'registry is unavailable', extensions: { code: 'AUTHORITY_UNAVAILABLE', authority: 'registry' } });
    expect(out.message).toBe(errorMessage('AUTHORITY_UNAVAILABLE', 'en', 'registry'));
  });
});

describe('translateErrors', () => {
  const format = createFormatError({ production: false, registry: new Registry() });
  const english: GraphQLFormattedError[] = [
    format({ message: 'registry is unavailable', path: ['person', 'resident'], extensions: { code: 'AUTHORITY_UNAVAILABLE', authority: 'registry' } }),
    format({ message: 'The key is on hold', extensions: { code: 'NEW_RULE', serviceName: 'registry' } }),
    { message: 'no key at all' },
  ];

  test('gives what formatError gives with the scope, and logs the codes', () => {
    const scope = scopeIn('ko');
    const translated = translateErrors(english, scope);
    expect(translated[0]).toEqual(
      format({ message: 'registry is unavailable', path: ['person', 'resident'], extensions: { code: 'AUTHORITY_UNAVAILABLE', authority: 'registry' } }, undefined, scopeIn('ko')),
    );
    expect(translated[0]!.message).not.toEqual(english[0]!.message);
    // Not in the catalogue: the text it came with; no messageKey: untouched and not logged.
    expect(translated.slice(1)).toEqual(english.slice(1));
    expect(scope.log.codes).toEqual(['AUTHORITY_UNAVAILABLE', 'NEW_RULE']);
  });

  test('a body Apollo Server wrote outside its pipeline: translated once; any other body kept as it is', () => {
    const req = new IncomingMessage(new Socket());
    const scope = scopeIn('ja');
    openScope(req, scope);
    const body = `${JSON.stringify({ errors: [format({ message: 'POST body missing', extensions: { code: 'BAD_REQUEST' } })] })}\n`;
    const out = translateOutsidePipeline(req, body);
    expect(JSON.parse(out)).toEqual({ errors: [{ ...JSON.parse(body).errors[0], message: errorMessage('BAD_REQUEST', 'ja') }] });
    expect(out.endsWith('}\n')).toBe(true);
    expect(scope.log.codes).toEqual(['BAD_REQUEST']);
    // Once translated (by the pipeline's plugin or here), a body is left alone.
    expect(translateOutsidePipeline(req, body)).toBe(body);
    const other = new IncomingMessage(new Socket());
    openScope(other, scopeIn('ja'));
    expect(translateOutsidePipeline(other, 'not json')).toBe('not json');
    expect(translateOutsidePipeline(new IncomingMessage(new Socket()), body)).toBe(body);
  });
});

describe('httpErrorBody', () => {
  test('is translated from Accept-Language, code kept', () => {
    const req = new IncomingMessage(new Socket());
    req.headers['accept-language'] = 'vi';
    expect(httpErrorBody(req, new HttpError(413, 'PAYLOAD_TOO_LARGE', 'Request bodies are limited to 65536 bytes'))).toEqual({
      message: 'Yêu cầu quá lớn.',
      extensions: { code: 'PAYLOAD_TOO_LARGE', messageKey: 'PAYLOAD_TOO_LARGE' },
    });
  });

  test('a code not yet catalogued keeps the English text it was raised with', () => {
    const req = new IncomingMessage(new Socket());
    expect(httpErrorBody(req, new HttpError(401, 'NEW_KEY_RULE', 'The key is on hold'))).toEqual({
      message: 'The key is on hold',
      extensions: { code: 'NEW_KEY_RULE', messageKey: 'NEW_KEY_RULE' },
    });
  });
});
