/**
 * The floor on PostgreSQL: the benchmark's lookups straight from the three authorities' databases, with no
 * GraphQL and no HTTP between tiers. It sends the same SQL the subgraphs send (their loaders, over a pg pool)
 * and applies the same domain rules (card status on the day, arrangement, card check); it skips what a lower
 * bound may skip: principal verification, the access policy and, unless asked (`accessLog`: the honest floor),
 * the access log. With it, every answer waits until each authority's log holds the rows the subgraphs would have
 * written for it (accessRows.ts), appended as they append them (AccessLogWriter, group commit).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { municipality } from '../../../schema/municipalities';
import type { ActivityOutsideStatusPermission, ResidenceCardKind, ResidenceCardStatus, WorkRestriction } from '../../../schema/codes';
import type { Authority } from '../../../runtime/authority';
import { AccessLogWriter } from '../../../subgraphs/kit/accessLog/writer';
import type { AuditRow } from '../../../subgraphs/kit/audit';
import type { Principal } from '../../../runtime/principal';
import { createLoaders as immigrationLoaders } from '../../../subgraphs/immigration/loaders';
import { cardArrangement } from '../../../subgraphs/immigration/rules/cardArrangement';
import { residenceCardStatusOn } from '../../../subgraphs/immigration/rules/cardValidity';
import { verifyCard, workPermission } from '../../../subgraphs/immigration/rules/cardVerification';
import { createLoaders as myNumberLoaders } from '../../../subgraphs/mynumber/loaders';
import { createLoaders as registryLoaders } from '../../../subgraphs/registry/loaders';
import { cardCheckRow, unifiedReadRow } from '../accessRows';
import type { FloorBackend } from './floor';

// Dates as yyyy-mm-dd strings and counts as numbers, as the subgraphs read them (subgraphs/kit/database.ts).
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

/** Statements sent so far, for requests and for the access log (the subgraphs' counters do not see them). */
export const sqlStatements = { request: 0, audit: 0 };

/** The one method of a TypeORM DataSource the loaders and the access-log writer use, over a pool. */
function queryOnly(pool: pg.Pool, source: 'request' | 'audit'): DataSource {
  return {
    query: async (sql: string, params?: unknown[]) => {
      sqlStatements[source]++;
      return (await pool.query(sql, params)).rows;
    },
  } as unknown as DataSource;
}

/** Who the floor's access-log rows name: the officer and the partner of the pre-signed principals, a request id per request. */
export type FloorCallers = Record<'officer' | 'partner', Omit<Principal, 'requestId'>>;

export class SqlFloor implements FloorBackend {
  private constructor(
    private readonly dbs: Record<Authority, DataSource>,
    private readonly pools: pg.Pool[],
    private readonly accessLog?: { writers: Record<Authority, AccessLogWriter>; callers: FloorCallers },
  ) {}

  static open(urls: Record<Authority, string>, accessLog?: FloorCallers): SqlFloor {
    const pools = {} as Record<Authority, pg.Pool>;
    for (const a of Object.keys(urls) as Authority[]) pools[a] = new pg.Pool({ connectionString: urls[a], max: 16 });
    const authorities = ['mynumber', 'registry', 'immigration'] as const;
    const dbs = Object.fromEntries(authorities.map((a) => [a, queryOnly(pools[a], 'request')])) as Record<Authority, DataSource>;
    const writers = () => Object.fromEntries(authorities.map((a) => [a, new AccessLogWriter(queryOnly(pools[a], 'audit'), a)])) as Record<Authority, AccessLogWriter>;
    return new SqlFloor(dbs, Object.values(pools), accessLog ? { writers: writers(), callers: accessLog } : undefined);
  }

  /** Appends each authority's rows for one request (none without `accessLog`); resolves once all are committed. */
  private async log(caller: keyof FloorCallers, rows: Partial<Record<Authority, AuditRow[]>>): Promise<void> {
    if (!this.accessLog) return;
    const principal: Principal = { ...this.accessLog.callers[caller], requestId: randomUUID() };
    await Promise.all(Object.entries(rows).map(([a, r]) => this.accessLog!.writers[a as Authority].append(principal, r!)));
  }

  private today(): string {
    return new Date().toISOString().slice(0, 10);
  }

  async persons(myNumbers: string[]): Promise<unknown[]> {
    const today = this.today();
    const [jlis, residents, isa] = await Promise.all([
      myNumberLoaders(this.dbs.mynumber).person.loadMany(myNumbers),
      registryLoaders(this.dbs.registry).resident.loadMany(myNumbers),
      immigrationLoaders(this.dbs.immigration).residentByMyNumber.loadMany(myNumbers),
    ]);
    // As the query plan asks: J-LIS about every number, the registry and the ISA about the persons J-LIS knows.
    const found = (x: unknown) => !!x && !(x instanceof Error);
    const known = myNumbers.flatMap((_, i) => (found(jlis[i]) ? [i] : []));
    await this.log('officer', {
      mynumber: myNumbers.map((n, i) => unifiedReadRow('mynumber', n, found(jlis[i]))),
      ...(known.length > 0
        ? {
            registry: known.map((i) => unifiedReadRow('registry', myNumbers[i]!, found(residents[i]))),
            immigration: known.map((i) => unifiedReadRow('immigration', myNumbers[i]!, found(isa[i]))),
          }
        : {}),
    });
    return myNumbers.map((myNumber, i) => {
      const person = jlis[i];
      if (!person || person instanceof Error) return null;
      const resident = residents[i] instanceof Error ? null : residents[i];
      const record = isa[i] instanceof Error ? null : isa[i];
      const card = record?.card ?? null;
      const cardStatus = card ? residenceCardStatusOn({ status: card.status as ResidenceCardStatus, validUntil: card.validUntil }, today) : null;
      const myNumberCard = person.card ? { kind: person.card.kind, status: person.card.status, validUntil: person.card.validUntil } : null;
      const address = resident ? (resident.addresses.find((a) => a.movedOutOn === null) ?? resident.addresses.at(-1)) : undefined;
      return {
        myNumber,
        cardArrangement: cardArrangement({
          residenceCard: card ? { kind: card.kind as ResidenceCardKind, status: cardStatus! } : null,
          myNumberCard: myNumberCard as Parameters<typeof cardArrangement>[0]['myNumberCard'],
        }),
        resident: resident
          ? {
              familyName: resident.familyName,
              givenName: resident.givenName,
              birthDate: resident.birthDate,
              address: address
                ? { line: address.line, municipality: { code: address.municipalityCode, name: municipality(address.municipalityCode)?.name ?? address.municipalityCode } }
                : null,
            }
          : null,
        immigration: record
          ? { nationality: { code: record.nationality }, statusOfResidence: record.statusOfResidence, stayExpiresOn: record.stayExpiresOn, workRestriction: record.workRestriction }
          : null,
        residenceCard: card
          ? { number: card.number, kind: card.kind, status: cardStatus, validUntil: card.validUntil, lossReportedOn: card.lossReportedOn }
          : null,
        myNumberCard,
      };
    });
  }

  async verify(number: string, expiresOn: string): Promise<unknown> {
    const found = await immigrationLoaders(this.dbs.immigration).cardByNumber.load(number);
    const card = found ? { ...found.card, status: residenceCardStatusOn({ status: found.card.status as ResidenceCardStatus, validUntil: found.card.validUntil }, this.today()) } : null;
    const verdict = verifyCard(card, expiresOn);
    await this.log('partner', { immigration: [cardCheckRow(number, found?.holder.myNumber ?? null)] });
    return {
      valid: verdict.valid,
      reason: verdict.valid ? null : verdict.reason,
      workPermission: verdict.valid
        ? workPermission(found!.holder.workRestriction as WorkRestriction, found!.holder.activityOutsideStatus as ActivityOutsideStatusPermission | null)
        : null,
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.pools.map((p) => p.end()));
  }
}
