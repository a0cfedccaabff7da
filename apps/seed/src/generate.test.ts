import { describe, expect, it } from 'vitest';
import { CHECKIN_DEDUPE_WINDOW_MS, LATITUDE_RANGE, LONGITUDE_RANGE } from '@skatehubba/spots';
import { SEED_TABLES, SeedGenerator, TABLE_SPECS, type Row } from './generate';
import { PROFILES } from './profiles';

const counts = { ...PROFILES.small, users: 300, spots: 90, checkins: 6_000 };
const collect = (g: SeedGenerator) => Object.fromEntries(SEED_TABLES.map((t) => [t, [...g.rows(t)]])) as Record<string, Row[]>;
const col = (table: keyof typeof TABLE_SPECS, name: string) => TABLE_SPECS[table].columns.findIndex(([c]) => c === name);

describe('seed generator', () => {
  it('gives identical rows, ids included, for the same seed', () => {
    expect(collect(new SeedGenerator(7, counts))).toEqual(collect(new SeedGenerator(7, counts)));
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
