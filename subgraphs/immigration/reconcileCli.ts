import { parseArgs } from 'node:util';
import type { Authority } from '../../runtime/authority';
import { DEFAULT_PORTS } from '../../runtime/ports';
import { eventsOptionsFor } from '../kit/eventRoutes';
import { callInternal } from '../kit/internalCall';
import { keysDir } from '../../runtime/keys';
import { RECONCILE_CARDS_PATH, RECONCILE_REPAIR_PATH, type IsaCardView, type JlisCardView } from '../../schema/internalPaths';
import { cardAgreement, REPAIRABLE, type Disagreement, type JlisView } from './rules/cardAgreement';

/** Streams one authority's view of the specific cards, page by page, in card-number order. */
async function* pages<T>(authority: Authority, baseUrl: string, key: (t: T) => string, signingKey: Parameters<typeof callInternal>[5]) {
  let after = '';
  for (;;) {
    const { cards } = await callInternal<{ cards: T[] }>('immigration', authority, baseUrl, RECONCILE_CARDS_PATH, { after }, signingKey);
    yield* cards;
    if (cards.length === 0) return;
    after = key(cards.at(-1)!);
  }
}

export interface ReconcileReport {
  compared: number;
  disagreements: Array<{ card: string; myNumber: string | null; kind: Disagreement }>;
  repaired: number;
}

/** Compares the ISA's and J-LIS's views of every specific card (a merge of two sorted streams). */
export async function reconcile(options: {
  immigrationUrl: string;
  mynumberUrl: string;
  signingKey: Parameters<typeof callInternal>[5];
  repair: boolean;
}): Promise<ReconcileReport> {
  const isa = pages<IsaCardView>('immigration', options.immigrationUrl, (c) => c.number, options.signingKey);
  const jlis = pages<JlisCardView>('mynumber', options.mynumberUrl, (c) => c.carrierCardNumber, options.signingKey);
  const report: ReconcileReport = { compared: 0, disagreements: [], repaired: 0 };
  let a = await isa.next();
  let b = await jlis.next();
  while (!a.done || !b.done) {
    const an = a.done ? null : a.value.number;
    const bn = b.done ? null : b.value.carrierCardNumber;
    const number = an !== null && (bn === null || an <= bn) ? an : bn!;
    const isaView = an === number ? (a.value as IsaCardView) : null;
    const jlisView: JlisView | null = bn === number ? (b.value as JlisCardView) : null;
    if (jlisView) b = await jlis.next();
    if (isaView) a = await isa.next();
    report.compared++;
    const kind = cardAgreement(isaView, jlisView);
    if (kind) report.disagreements.push({ card: number, myNumber: isaView?.myNumber ?? (jlisView as JlisCardView | null)?.myNumber ?? null, kind });
  }
  if (options.repair) {
    const cards = report.disagreements.filter((d) => REPAIRABLE.includes(d.kind)).map((d) => d.card);
    for (let i = 0; i < cards.length; i += 1000) {
      const { emitted } = await callInternal<{ emitted: number }>(
        'immigration',
        'immigration',
        options.immigrationUrl,
        RECONCILE_REPAIR_PATH,
        { cards: cards.slice(i, i + 1000) },
        options.signingKey,
      );
      report.repaired += emitted;
    }
  }
  return report;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { repair: { type: 'boolean', default: false } } });
  const env = process.env;
  const base = (a: Authority) => env[`${a.toUpperCase()}_INTERNAL_URL`] ?? `http://127.0.0.1:${env[`${a.toUpperCase()}_PORT`] ?? DEFAULT_PORTS[a]}`;
  const { signingKey } = await eventsOptionsFor('immigration', keysDir(env.DATA_DIR ?? '.data'), {}, env);
  const report = await reconcile({ immigrationUrl: base('immigration'), mynumberUrl: base('mynumber'), signingKey, repair: values.repair });
  const byKind = new Map<string, number>();
  for (const d of report.disagreements) byKind.set(d.kind, (byKind.get(d.kind) ?? 0) + 1);
  console.log(`Compared ${report.compared} specific cards between the ISA and J-LIS.`);
  if (report.disagreements.length === 0) console.log('Both authorities agree on every card.');
  else {
    console.log(`${report.disagreements.length} disagree:`);
    for (const [kind, n] of byKind) console.log(`  ${kind}: ${n}${REPAIRABLE.includes(kind as Disagreement) ? '' : ' (needs an operator)'}`);
    for (const d of report.disagreements.slice(0, 20)) console.log(`  - card ${d.card}: ${d.kind}`);
    if (report.disagreements.length > 20) console.log(`  ... and ${report.disagreements.length - 20} more`);
  }
  if (values.repair) console.log(`Repair: re-emitted ${report.repaired} events from the ISA's records; run again to confirm.`);
  else if (report.disagreements.some((d) => REPAIRABLE.includes(d.kind))) console.log('Run with --repair to re-emit the ISA\'s facts as events.');
  process.exitCode = report.disagreements.length === 0 || values.repair ? 0 : 1;
}

if (require.main === module) void main().catch((err: Error) => {
  console.error(err.message);
  process.exit(2);
});
