import { describe, expect, it } from 'vitest';
import { CHECKIN_DEDUPE_WINDOW_MS, LATITUDE_RANGE, LONGITUDE_RANGE } from '@skatehubba/spots';
import { hashSessionToken } from '@skatehubba/identity/factories';
import { LOGIN_RIDERS, SEED_TABLES, SeedGenerator, seedLoginToken, startOfUtcDay, TABLE_SPECS, type Row } from './generate';
import { PROFILES } from './profiles';

const counts = { ...PROFILES.small, users: 300, spots: 90, checkins: 6_000 };
const DAY = 86_400_000;
const ANCHOR = Date.UTC(2026, 5, 1);
const collect = (g: SeedGenerator) => Object.fromEntries(SEED_TABLES.map((t) => [t, [...g.rows(t)]])) as Record<string, Row[]>;
const col = (table: keyof typeof TABLE_SPECS, name: string) => TABLE_SPECS[table].columns.findIndex(([c]) => c === name);

describe('seed generator', () => {
  it('gives identical rows, ids included, for the same seed and anchor', () => {
    expect(collect(new SeedGenerator(7, counts, ANCHOR))).toEqual(collect(new SeedGenerator(7, counts, ANCHOR)));
  });

  it("gives the same ids and content for any anchor: every timestamp moves by the anchors' difference, nothing else", () => {
    const later = ANCHOR + 173 * DAY;
    const a = collect(new SeedGenerator(7, counts, ANCHOR));
    const b = collect(new SeedGenerator(7, counts, later));
    for (const table of SEED_TABLES) {
      const types = TABLE_SPECS[table].columns.map(([, type]) => type);
      expect(b[table]).toHaveLength(a[table]!.length);
      a[table]!.forEach((row, r) => {
        const shifted = row.map((v, c) =>
          types[c] === 'timestamptz' && v !== null ? new Date(Date.parse(v as string) + 173 * DAY).toISOString() : v,
        );
        expect(b[table]![r]).toEqual(shifted);
      });
    }
  });

  it('ends the timeline at the anchor: nothing happened after it, and sessions are live then', () => {
    const rows = collect(new SeedGenerator(5, { ...counts, sessionShare: 0.5 }, ANCHOR));
    const created = (table: keyof typeof TABLE_SPECS) => rows[table]!.map((r) => Date.parse(r[col(table, 'created_at')] as string));
    for (const table of SEED_TABLES) expect(Math.max(...created(table)), table).toBeLessThan(ANCHOR);
    // The last day is busy, so leaderboards over "the last 30 days" are full.
    expect(created('checkins').filter((t) => t >= ANCHOR - DAY).length).toBeGreaterThan(10);
    for (const s of rows.sessions!) expect(Date.parse(s[col('sessions', 'expires_at')] as string)).toBeGreaterThan(ANCHOR + 20 * DAY);
  });

  it('refuses an anchor that is not the start of a UTC day', () => {
    expect(() => new SeedGenerator(1, counts, ANCHOR + 3_600_000)).toThrow(/start of a UTC day/);
    expect(new SeedGenerator(1, counts).anchor).toBe(startOfUtcDay(Date.now()));
  });

  it('gives each login rider a live session whose token is derived from the seed and stored only as its hash', () => {
    const g = new SeedGenerator(9, counts, ANCHOR);
    const sessions = [...g.rows('sessions')];
    const logins = g.sampleRiders();
    expect(logins).toHaveLength(LOGIN_RIDERS);
    for (const rider of logins) {
      const token = seedLoginToken(9, rider.id);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const own = sessions.filter((s) => s[col('sessions', 'user_id')] === rider.id);
      expect(own.map((s) => s[col('sessions', 'token_hash')])).toEqual([hashSessionToken(token)]);
      expect(sessions.flat()).not.toContain(token);
    }
    expect(seedLoginToken(10, logins[0]!.id)).not.toBe(seedLoginToken(9, logins[0]!.id));
  });

  it('gives different rows for another seed', () => {
    const a = collect(new SeedGenerator(7, counts));
    const b = collect(new SeedGenerator(8, counts));
    expect(a.users![0]![0]).not.toEqual(b.users![0]![0]);
  });

  it('makes exactly the requested counts', () => {
    const rows = collect(new SeedGenerator(3, counts));
    expect(rows.users).toHaveLength(counts.users);
    expect(rows.spots).toHaveLength(counts.spots);
    expect(rows.checkins).toHaveLength(counts.checkins);
  });

  it('skews popularity: the busiest tenth of spots gets most check-ins', () => {
    const scaled = { ...PROFILES.large, users: 2_000, spots: 400, checkins: 20_000 };
    const rows = collect(new SeedGenerator(3, scaled));
    const perSpot = new Map<unknown, number>();
    for (const c of rows.checkins!) perSpot.set(c[col('checkins', 'spot_id')], (perSpot.get(c[col('checkins', 'spot_id')]) ?? 0) + 1);
    const sorted = [...perSpot.values()].sort((a, b) => b - a);
    const top = sorted.slice(0, scaled.spots / 10).reduce((a, b) => a + b, 0);
    expect(top / scaled.checkins).toBeGreaterThan(0.5);
  });

  it('keeps coordinates in range and never repeats a rider, spot and dedupe bucket', () => {
    const rows = collect(new SeedGenerator(11, { ...PROFILES.large, users: 2_000, spots: 400, checkins: 20_000 }));
    for (const s of rows.spots!) {
      const lat = s[col('spots', 'latitude')] as number;
      const lon = s[col('spots', 'longitude')] as number;
      expect(lat >= LATITUDE_RANGE[0] && lat <= LATITUDE_RANGE[1] && lon >= LONGITUDE_RANGE[0] && lon <= LONGITUDE_RANGE[1]).toBe(true);
    }
    const keys = new Set<string>();
    for (const c of rows.checkins!) {
      const at = Date.parse(c[col('checkins', 'created_at')] as string);
      keys.add(`${c[col('checkins', 'user_id')]}|${c[col('checkins', 'spot_id')]}|${Math.floor(at / CHECKIN_DEDUPE_WINDOW_MS)}`);
    }
    expect(keys.size).toBe(rows.checkins!.length);
  });

  it('spreads check-ins over months with a daily rhythm', () => {
    const rows = collect(new SeedGenerator(5, counts));
    const times = rows.checkins!.map((c) => Date.parse(c[col('checkins', 'created_at')] as string));
    const spanDays = (Math.max(...times) - Math.min(...times)) / 86_400_000;
    expect(spanDays).toBeGreaterThan(150);
    const months = new Set(times.map((t) => new Date(t).toISOString().slice(0, 7)));
    expect(months.size).toBeGreaterThanOrEqual(6);
  });

  it('mixes trick statuses and stances the way riders do', () => {
    const rows = collect(new SeedGenerator(5, counts));
    const share = (name: string, value: string) =>
      rows.checkins!.filter((c) => c[col('checkins', name)] === value).length / rows.checkins!.length;
    expect(share('trick_status', 'landed')).toBeGreaterThan(0.45);
    expect(share('trick_status', 'landed')).toBeLessThan(0.65);
    expect(share('trick_status', 'retry')).toBeGreaterThan(0.05);
    expect(share('stance', 'goofy')).toBeGreaterThan(0.25);
    expect(share('stance', 'goofy')).toBeLessThan(0.6);
  });
});
