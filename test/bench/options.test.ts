import { readOptions } from './options';

describe('the benchmark command line (test/bench/options.ts)', () => {
  it('profiles this gateway at full load unless --profile-rate names a rate', () => {
    expect(readOptions([]).profileRate).toBeUndefined();
    expect(readOptions(['--profile-rate', '115']).profileRate).toBe(115);
  });

  it('refuses a profile rate that is not a whole number of requests per second', () => {
    for (const bad of ['0', '-5', '1.5', 'fast', '']) {
      expect(() => readOptions([`--profile-rate=${bad}`])).toThrow(/--profile-rate must be a whole number/);
    }
  });

  it('knows the gateway floor as a contender, and refuses a name it does not know', () => {
    expect(readOptions(['--contenders', 'this,floorSubgraphs']).contenders).toEqual(['this', 'floorSubgraphs']);
    expect(readOptions([]).contenders).toContain('floorSubgraphs');
    expect(() => readOptions(['--contenders', 'this,floorSubgraph'])).toThrow(/no contender "floorSubgraph"/);
  });
});
