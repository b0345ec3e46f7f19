import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';

/**
 * The authorities' internal calls made by this process (an in-process stack's event deliveries, witness rounds
 * and synchronous calls), seen as an attacker on the network would see them. They all go through undici's
 * global dispatcher (`subgraphs/kit/internalCall.ts`).
 */

/** One request as it left this process: where to, and its exact headers and body. */
export interface Captured {
  origin: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** Where a held request goes instead: a port nothing listens on, so its connection is refused. */
const NOWHERE = 'http://127.0.0.1:1';

/**
 * Shows `watch` every request this process sends from now on, before it leaves; a request `watch` answers
 * 'hold' never reaches its callee (the sender sees a refused connection), so its signature stays unused. Returns
 * the function that stops watching.
 */
export function watchOutgoing(watch: (request: Captured) => 'send' | 'hold'): () => void {
  const previous = getGlobalDispatcher();
  class Watching extends Agent {
    override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      const captured: Captured = {
        origin: new URL(String(options.origin)).origin,
        method: options.method,
        path: options.path,
        headers: headersOf(options.headers),
        body: typeof options.body === 'string' ? options.body : Buffer.isBuffer(options.body) ? options.body.toString('utf8') : '',
      };
      const held = watch(captured) === 'hold';
      return super.dispatch(held ? { ...options, origin: NOWHERE } : options, handler);
    }
  }
  const watching = new Watching();
  setGlobalDispatcher(watching);
  return () => {
    setGlobalDispatcher(previous);
    void watching.close();
  };
}

function headersOf(headers: Dispatcher.DispatchOptions['headers']): Record<string, string> {
  if (!headers) return {};
  const pairs: Array<[string, string]> = [];
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) pairs.push([String(headers[i]).toLowerCase(), String(headers[i + 1])]);
  } else if (Symbol.iterator in Object(headers)) {
    for (const [k, v] of headers as Iterable<[string, string | string[] | undefined]>) pairs.push([k.toLowerCase(), String(v)]);
  } else {
    for (const [k, v] of Object.entries(headers)) pairs.push([k.toLowerCase(), String(v)]);
  }
  return Object.fromEntries(pairs);
}

/** The status of every answer to a request this process sent (through undici), with its path. */
export function watchAnswers(onAnswer: (answer: { path: string; status: number }) => void): () => void {
  const listener = (message: unknown) => {
    const { request, response } = message as { request: { path: string }; response: { statusCode: number } };
    onAnswer({ path: request.path, status: response.statusCode });
  };
  subscribe('undici:request:headers', listener);
  return () => unsubscribe('undici:request:headers', listener);
}
