/**
 * The floor on PostgreSQL: the benchmark's lookups straight from the three authorities' databases, with no
 * GraphQL and no HTTP between tiers. It sends the same SQL the subgraphs send (their loaders, over a pg pool)
 * and applies the same domain rules (card status on the day, arrangement, card check); it skips what a lower
 * bound may skip: principal verification, the access policy and the access log.
 */
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { municipality } from '../../../schema/municipalities';
import type { ActivityOutsideStatusPermission, ResidenceCardKind, ResidenceCardStatus, WorkRestriction } from '../../../schema/codes';
import type { Authority } from '../../../subgraphs/kit/database';
import { createLoaders as immigrationLoaders } from '../../../subgraphs/immigration/loaders';
import { cardArrangement } from '../../../subgraphs/immigration/rules/cardArrangement';
import { residenceCardStatusOn } from '../../../subgraphs/immigration/rules/cardValidity';
import { verifyCard, workPermission } from '../../../subgraphs/immigration/rules/cardVerification';
import { createLoaders as myNumberLoaders } from '../../../subgraphs/mynumber/loaders';
import { createLoaders as registryLoaders } from '../../../subgraphs/registry/loaders';
import type { FloorBackend } from './floor';

// Dates as yyyy-mm-dd strings and counts as numbers, as the subgraphs read them (subgraphs/kit/database.ts).
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

/** Statements sent so far (the floor's SQL per request; the subgraphs' counters do not see it). */
export let sqlStatements = 0;

/** The one method of a TypeORM DataSource the loaders use, over a pool. */
function queryOnly(pool: pg.Pool): DataSource {
  return {
    query: async (sql: string, params?: unknown[]) => {
      sqlStatements++;
      return (await pool.query(sql, params)).rows;
    },
  } as unknown as DataSource;
}

export class SqlFloor implements FloorBackend {
  private constructor(private readonly dbs: Record<Authority, DataSource>, private readonly pools: pg.Pool[]) {}

  static open(urls: Record<Authority, string>): SqlFloor {
    const pools = {} as Record<Authority, pg.Pool>;
    for (const a of Object.keys(urls) as Authority[]) pools[a] = new pg.Pool({ connectionString: urls[a], max: 16 });
    return new SqlFloor(
      { mynumber: queryOnly(pools.mynumber), registry: queryOnly(pools.registry), immigration: queryOnly(pools.immigration) },
      Object.values(pools),
    );
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
