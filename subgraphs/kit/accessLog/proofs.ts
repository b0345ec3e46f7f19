import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { Authority } from '../../../runtime/authority';
import { inclusionProof } from '../merkle';
import { nodeReader } from './sequencer';

/** What a history entry carries to find its proof. */
export interface ProvableEntry {
  leafIndex: string | null;
  atMicros: string;
  ref: string;
}

export interface AccessProof {
  leafIndex: string;
  at: string;
  ref: string;
  inclusion: string[];
  checkpoint: { note: string; signature: string; cosignatures: Array<{ witness: string; signature: string }> };
}

/**
 * Per-request loader of inclusion proofs for history entries: each against the newest checkpoint cosigned by both
 * other authorities that covers it (else the newest that covers it, with the cosignatures it has so far); null
 * for an entry no checkpoint covers yet. Tree nodes are read once per request, however many entries share them.
 */
export function createProofLoader(db: DataSource, authority: Authority): DataLoader<ProvableEntry, AccessProof | null, string> {
  const witnesses = (['immigration', 'registry', 'mynumber'] as const).filter((a) => a !== authority);
  return new DataLoader(
    async (entries) => {
      const checkpoints = (await db.query(
        `SELECT size::bigint::text AS size, note, signature, cosignatures FROM access_log_checkpoint
         WHERE size > $1 ORDER BY (cosignatures ?& $2::text[]) DESC, size DESC LIMIT 1`,
        [String(Math.min(...entries.map((e) => (e.leafIndex === null ? Number.MAX_SAFE_INTEGER : Number(e.leafIndex))))), witnesses],
      )) as Array<{ size: string; note: string; signature: string; cosignatures: Record<string, string> }>;
      const cp = checkpoints[0];
      const read = nodeReader(db);
      return Promise.all(
        entries.map(async (e) => {
          if (!cp || e.leafIndex === null || Number(e.leafIndex) >= Number(cp.size)) return null;
          const path = await inclusionProof(Number(e.leafIndex), Number(cp.size), read);
          return {
            leafIndex: e.leafIndex,
            at: e.atMicros,
            ref: e.ref,
            inclusion: path.map((h) => h.toString('base64')),
            checkpoint: {
              note: cp.note,
              signature: cp.signature,
              cosignatures: Object.entries(cp.cosignatures).map(([witness, signature]) => ({ witness, signature })),
            },
          };
        }),
      );
    },
    { cacheKeyFn: (e) => `${e.leafIndex}` },
  );
}
