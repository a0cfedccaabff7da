import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, guardMessage, parseOptions, UsageError } from './options';
import { PROFILES } from './profiles';

describe('guards', () => {
  it('refuses NODE_ENV=production, even for a local database', () => {
    const message = guardMessage({ NODE_ENV: 'production', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x' }, { allowRemote: true });
    expect(message).toMatch(/NODE_ENV=production/);
    expect(message).toMatch(/Unset NODE_ENV/);
  });

  it.each(['postgres://u@db.example.com:5432/app', 'postgres://u@10.0.0.5/app', 'postgres://u@ep-cool-1234.neon.tech/neondb'])(
    'refuses the non-loopback host in %s unless --allow-remote',
    (url) => {
      expect(guardMessage({ DATABASE_URL: url }, { allowRemote: false })).toMatch(/pass --allow-remote/);
      expect(guardMessage({ DATABASE_URL: url }, { allowRemote: true })).toBeUndefined();
    },
  );

  it.each([
    'postgres://postgres@127.0.0.1:5432/x',
    'postgres://postgres@localhost/x',
    'postgres://postgres@[::1]:5432/x',
    'postgres://p@127.0.0.2/x',
  ])('allows the loopback host in %s', (url) => expect(guardMessage({ DATABASE_URL: url }, { allowRemote: false })).toBeUndefined());

  it('refuses a DATABASE_URL that is not a URL', () => {
    expect(guardMessage({ DATABASE_URL: 'not a url' }, { allowRemote: false })).toMatch(/not a valid URL/);
  });

  it('has nothing to refuse for the embedded default', () => {
    expect(guardMessage({}, { allowRemote: false })).toBeUndefined();
  });
});

describe('options', () => {
  it('defaults to serve, small, seed 1, a port that is not 5432', () => {
    const o = parseOptions([]);
    expect(o).toMatchObject({ command: 'serve', profile: 'small', seed: 1, port: DEFAULT_PORT, reset: false });
    expect(DEFAULT_PORT).not.toBe(5432);
    expect(o.counts).toEqual(PROFILES.small);
  });

  it('takes per-table overrides on top of a profile', () => {
    const o = parseOptions(['load', '--profile', 'large', '--checkins', '5000', '--seed', '7']);
    expect(o.command).toBe('load');
    expect(o.counts).toEqual({ ...PROFILES.large, checkins: 5000 });
    expect(o.seed).toBe(7);
  });

  it('has a large profile of at least 100k users, 20k spots and 1M check-ins', () => {
    expect(PROFILES.large.users).toBeGreaterThanOrEqual(100_000);
    expect(PROFILES.large.spots).toBeGreaterThanOrEqual(20_000);
    expect(PROFILES.large.checkins).toBeGreaterThanOrEqual(1_000_000);
  });

  it.each([
    [['--profile', 'huge'], /^--profile must be one of small, medium, large, got huge$/],
    [['--checkins=-1'], /^--checkins must be a whole number >= 0, got "-1"$/],
    [['--users', '-5'], /^--users must be a whole number >= 0, got "-5"$/],
    [['--spots', '1e3'], /^--spots must be a whole number >= 0, got "1e3"$/],
    [['--seed', '1.5'], /^--seed must be a whole number >= 0, got "1.5"$/],
    [['--port', '70000'], /^--port must be a whole number from 0 to 65535 \(0: any free port\), got "70000"$/],
    [['--port', 'abc'], /^--port must be a whole number from 0 to 65535 \(0: any free port\), got "abc"$/],
    [['--port'], /^--port needs a value\n/],
    [['--reset=yes'], /^--reset takes no value\n/],
    [['--anchor', '2026-02-30'], /^--anchor must be a calendar day as YYYY-MM-DD/],
    [['--anchor', '2026-06-01T12:00:00Z'], /^--anchor must be a calendar day as YYYY-MM-DD/],
    [['drop'], /^unknown command drop: use serve or load$/],
    [['--bogus'], /^unknown option --bogus\n\nUsage: /],
  ])('refuses %j with a message', (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(UsageError);
    expect(() => parseOptions(argv)).toThrow(message);
  });

  it('takes port 0 (any free port) and an anchor day as the start of that UTC day', () => {
    const o = parseOptions(['serve', '--port', '0', '--anchor', '2026-06-01']);
    expect(o.port).toBe(0);
    expect(o.anchor).toBe(Date.UTC(2026, 5, 1));
    expect(parseOptions([]).anchor).toBeUndefined();
  });
});
