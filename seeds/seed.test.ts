import { parseSeedArgs } from './seed';

describe('npm run seed arguments', () => {
  it('defaults to 10,000 persons, seed 1, as of 2026-11-28, all three authorities, no reset', () => {
    expect(parseSeedArgs([])).toEqual({
      persons: 10_000,
      seed: 1,
      asOf: '2026-11-28',
      authorities: ['immigration', 'registry', 'mynumber'],
      reset: false,
      withPersonas: true,
    });
  });

  it('reads every option', () => {
    expect(
      parseSeedArgs(['--persons', '100000', '--seed', '7', '--as-of', '2027-01-31', '--authority', 'registry', '--reset', '--without-personas']),
    ).toEqual({
      persons: 100_000,
      seed: 7,
      asOf: '2027-01-31',
      authorities: ['registry'],
      reset: true,
      withPersonas: false,
    });
  });

  it.each([
    [['--persons', 'many'], '--persons must be a whole number'],
    [['--seed', '1.5'], '--seed must be an integer'],
    [['--as-of', '2026-02-30'], '--as-of must be a date yyyy-mm-dd'],
    [['--authority', 'police'], 'unknown authority police'],
    [['--verbose'], "Unknown option '--verbose'"],
  ])('rejects %j', (args, message) => {
    expect(() => parseSeedArgs(args)).toThrow(message);
  });
});
