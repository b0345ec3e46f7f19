/**
 * Reads a V8 CPU profile (`node --cpu-prof`) of the gateway and says where its time goes: the functions with
 * the most self time, and the time per layer (each sample charged to the innermost frame that belongs to a
 * known layer, so a native such as JSON.parse counts for the code that called it).
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  /** Sampled time, ms (idle included). */
  totalMs: number;
  /** Time not idle, ms. */
  busyMs: number;
  requests?: number;
  topSelf: Array<{ function: string; where: string; selfMs: number; percentOfBusy: number }>;
  layers: Array<{ layer: string; ms: number; percentOfBusy: number; msPerRequest?: number }>;
}

/** The layers of the routing tier, tested in order against a frame's URL and function name. */
const LAYERS: Array<[string, (f: CallFrame) => boolean]> = [
  ['idle', (f) => f.functionName === '(idle)'],
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  ['principal signing and token verification (jose, crypto)', (f) => /\/jose\/|node:crypto|internal\/crypto/.test(f.url) || /principal|signPrincipal|withSigner/.test(f.functionName)],
  ['logging and metrics (pino, prom-client)', (f) => /\/pino|\/prom-client\/|sonic-boom|thread-stream/.test(f.url)],
  ['query planning (@apollo/query-planner, federation-internals)', (f) => /@apollo\/(query-planner|federation-internals)\//.test(f.url)],
  ['plan execution (@apollo/gateway executeQueryPlan, data sources)', (f) => /@apollo\/gateway\//.test(f.url)],
  ['stack traces resolved through source maps (Error.stack under tsx)', (f) => /internal\/source_map|prepare_stack_trace/.test(f.url)],
  ['subgraph HTTP client (make-fetch-happen, agents, undici)', (f) => /node-fetch|make-fetch-happen|minipass|@npmcli\/agent|agent-base|undici|@apollo\/utils\.fetcher|@whatwg-node\/(node-)?fetch/.test(f.url)],
  ['parse and validate (graphql-js language, validation)', (f) => /\/graphql\/(language|validation)\//.test(f.url)],
  ['execution and response shaping (graphql-js execution, utilities)', (f) => /\/graphql\/(execution|utilities|type|jsutils)\//.test(f.url)],
  ['request pipeline (@apollo/server, plugins, armor; yoga/envelop for Hive)', (f) => /@apollo\/server\/|@apollo\/utils|graphql-armor|@envelop|graphql-yoga|@graphql-hive|@graphql-mesh|@graphql-tools|@whatwg-node\/server/.test(f.url)],
  ['embedded database (PGlite WASM and its file I/O)', (f) => /@electric-sql\/pglite|typeorm-pglite|^wasm:\/\//.test(f.url)],
  ['database client and ORM (pg, typeorm)', (f) => /\/typeorm\/|\/pg\/|\/pg-protocol\/|\/pg-pool\//.test(f.url)],
  ['subgraph resolvers and loaders (subgraphs/<authority>/, dataloader)', (f) => /\/work\/[^/]+\/subgraphs\/(immigration|registry|mynumber)\//.test(f.url) || /\/dataloader\//.test(f.url)],
  ['project code (gateway/, runtime/, subgraphs/kit/, schema/)', (f) => /\/work\/[^/]+\/(gateway|runtime|subgraphs\/kit|schema)\//.test(f.url) && !f.url.includes('node_modules')],
  ['HTTP layer (node:http, net, streams)', (f) => /node:(_http|http|net|stream|events|buffer|internal\/(http|streams|stream_base|net|timers|js_stream|url))|_http_|internal\/streams|internal\/url|node:internal\/deps\/undici/.test(f.url)],
  ['module loading (tsx, startup)', (f) => /\/tsx\/|internal\/modules/.test(f.url)],
  // Node's own internals not named above (events, async hooks, AbortController, fs, ...) count for their caller.
  ['other JavaScript', (f) => f.url !== '' && !f.url.startsWith('node:') && f.functionName !== '(program)'],
  ['V8 internals, promise and timer machinery (not attributable)', () => true],
];

function layerOf(frame: CallFrame): string | undefined {
  if (frame.url === '' && !frame.functionName.startsWith('(')) return undefined; // a native: charge the caller
  for (const [name, test] of LAYERS) if (test(frame)) return name;
  return undefined;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  return url.replace(/^file:\/\/\/work\/[^/]+\//, '').replace(/^file:\/\//, '');
}

export function summarizeProfile(
  file: string,
  options: {
    requests?: number;
    top?: number;
    /** Leave out what comes before the first sample with a frame whose URL matches (start-up, module loading). */
    from?: RegExp;
    /** Leave out the samples under a frame whose URL matches (the profiler's own stop and write). */
    exclude?: RegExp;
    /** Only the samples of the last `seconds` before `skipEndSeconds` from the profile's end (the measured run, when the process stops right after it). */
    window?: { seconds: number; skipEndSeconds?: number };
  } = {},
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  let first = 0;
  if (options.from) {
    const matches = (id: number): boolean => {
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) if (options.from!.test(byId.get(at)!.callFrame.url)) return true;
      return false;
    };
    first = Math.max(0, profile.samples.findIndex(matches));
  }
  const times: number[] = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas) times.push((t += d));
  let last = profile.samples.length - 1;
  if (options.window) {
    const end = profile.endTime - (options.window.skipEndSeconds ?? 0) * 1e6;
    const start = end - options.window.seconds * 1e6;
    first = Math.max(first, times.findIndex((x) => x >= start));
    while (last > first && times[last]! > end) last--;
  }
  const excluded = (id: number): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) if (options.exclude!.test(byId.get(at)!.callFrame.url)) return true;
    return false;
  };
  const selfById = new Map<number, number>();
  for (let i = first; i <= last; i++) {
    const id = profile.samples[i]!;
    if (options.exclude && excluded(id)) continue;
    selfById.set(id, (selfById.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }

  const total = [...selfById.values()].reduce((a, b) => a + b, 0);
  const layerMs = new Map<string, number>();
  const selfByFunction = new Map<string, { function: string; where: string; selfMs: number }>();
  for (const [id, ms] of selfById) {
    const node = byId.get(id)!;
    const f = node.callFrame;
    const key = `${f.functionName}|${f.url}|${f.lineNumber}`;
    const entry = selfByFunction.get(key) ?? {
      function: f.functionName || '(anonymous)',
      where: f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : '(native)',
      selfMs: 0,
    };
    entry.selfMs += ms;
    selfByFunction.set(key, entry);
    let layer: string | undefined;
    for (let at: number | undefined = id; at !== undefined && layer === undefined; at = parent.get(at)) layer = layerOf(byId.get(at)!.callFrame);
    layer ??= 'V8 internals, promise and timer machinery (not attributable)';
    layerMs.set(layer, (layerMs.get(layer) ?? 0) + ms);
  }
  const idle = (layerMs.get('idle') ?? 0) + 0;
  const busy = total - idle;
  const pct = (ms: number) => Math.round((1000 * ms) / busy) / 10;
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    file,
    totalMs: round(total),
    busyMs: round(busy),
    requests: options.requests,
    topSelf: [...selfByFunction.values()]
      .filter((e) => e.function !== '(idle)')
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, options.top ?? 25)
      .map((e) => ({ ...e, selfMs: round(e.selfMs), percentOfBusy: pct(e.selfMs) })),
    layers: [...layerMs.entries()]
      .filter(([name]) => name !== 'idle')
      .sort((a, b) => b[1] - a[1])
      .map(([layer, ms]) => ({
        layer,
        ms: round(ms),
        percentOfBusy: pct(ms),
        msPerRequest: options.requests ? Math.round((1000 * ms) / options.requests) / 1000 : undefined,
      })),
  };
}

if (require.main === module) {
  const [file, requests] = process.argv.slice(2);
  if (!file) {
    console.error('Usage: tsx test/bench/profile.ts <file.cpuprofile> [requests]');
    process.exit(2);
  }
  console.log(JSON.stringify(summarizeProfile(file, { requests: requests ? Number(requests) : undefined }), null, 2));
}
