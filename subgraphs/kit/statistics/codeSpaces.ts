/**
 * How each dimension's codes are numbered in the tables: its code list, then any other code met in the counts,
 * and the map from its column's dictionary numbers to those. Kept per dimension until the counts meet a new value
 * of its column or the year turns.
 */
import { DIMENSION_CODES, DIMENSION_PARENT, STATISTICS_DIMENSIONS, type StatisticsDimension } from '../../../schema/statistics';
import type { CountStore } from './countStore';
import type { DimensionSource, FactSource } from './source';
import type { CodeSpace } from './tables';

export class CodeSpaces {
  private readonly spaces = new Map<StatisticsDimension, CodeSpace>();

  constructor(
    private readonly source: FactSource,
    private readonly store: CountStore,
    private readonly referenceYear: () => number,
  ) {}

  /**
   * A dimension's codes: its code list, then any other code met in the counts (by text; a parent's space also
   * holds its children's parents). Remade when the column's dictionary grows or the year turns.
   */
  of(dimension: StatisticsDimension): CodeSpace {
    const source = this.source.dimensions[dimension] as DimensionSource;
    const dictionary = this.store.dictionaries[this.store.columnIndex(source.column)] as { codes: string[] };
    const year = this.referenceYear();
    const cached = this.spaces.get(dimension);
    if (cached && cached.dictionarySize === dictionary.codes.length && cached.year === year) return cached;
    const context = { referenceYear: year };
    const mapped = dictionary.codes.map((code) => (source.map ? source.map(code, context) : code));
    const listed = DIMENSION_CODES[dimension];
    const listedSet = new Set(listed);
    const extras = new Set(mapped.filter((code) => !listedSet.has(code)));
    for (const child of STATISTICS_DIMENSIONS) {
      const parent = DIMENSION_PARENT[child];
      if (parent?.parent !== dimension || !this.source.dimensions[child]) continue;
      for (const code of this.of(child).codes) if (!listedSet.has(parent.of(code))) extras.add(parent.of(code));
    }
    const codes = [...listed, ...[...extras].sort()];
    const index = new Map(codes.map((code, i) => [code, i]));
    const space = { codes, index, projection: Int32Array.from(mapped, (code) => index.get(code) as number), dictionarySize: dictionary.codes.length, year };
    this.spaces.set(dimension, space);
    return space;
  }
}
