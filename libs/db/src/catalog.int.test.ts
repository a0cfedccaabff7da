import { readFile } from 'node:fs/promises';
import { describe, expect } from 'vitest';
import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { ACHIEVEMENT_METRICS, ACHIEVEMENT_TIERS, NOTIFICATION_KINDS, STANCES, TRICK_STATUSES } from '@skatehubba/enums';
import { AUDITED_TABLES } from '@skatehubba/audit';
import { databaseTest } from '@skatehubba/testing';
import * as schema from './schema';

// Integration: what the migrations actually built, read from the catalog,
// compared with the TypeScript that claims to describe it and with the README.
const it = databaseTest(schema);

const TABLES = [
  'achievements',
  'audit_logs',
  'checkins',
  'leaderboard_entries',
  'leaderboard_window',
  'notification_inboxes',
  'notifications',
  'rider_erasures',
  'rider_metrics',
  'saved_spots',
  'sessions',
  'spot_leaderboard_entries',
  'spots',
  'user_achievements',
  'users',
];
/** Every table object the aggregator exports. */
const tables = () => Object.values(schema as Record<string, unknown>).filter((v): v is PgTable => is(v, PgTable));

/** Tables the database keeps itself from other rows (counters, windows): no created_at, no audit; `recompute_progress()` and `roll_leaderboards()` rebuild them. */
const DERIVED = ['leaderboard_entries', 'leaderboard_window', 'notification_inboxes', 'rider_metrics', 'spot_leaderboard_entries'];

const MUTABLE = ['achievements', 'checkins', 'sessions', 'spots', 'user_achievements', 'users'];

describe('catalog', () => {
  it('holds exactly the tables of the composed schema', async ({ t }) => {
    const rows = await t.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(rows.map((r) => r.table_name)).toEqual(TABLES);
    const declared = tables()
      .map((table) => getTableConfig(table).name)
      .sort();
    expect(declared).toEqual(TABLES);
  });

  it('has enum labels in the order of the shared tuples', async ({ t }) => {
    const rows = await t.query<{ type: string; labels: string[] }>(`
      SELECT t.typname AS type, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
        FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
       GROUP BY t.typname ORDER BY t.typname`);
    expect(rows).toEqual([
      { type: 'achievement_metric', labels: [...ACHIEVEMENT_METRICS] },
      { type: 'achievement_tier', labels: [...ACHIEVEMENT_TIERS] },
      { type: 'notification_kind', labels: [...NOTIFICATION_KINDS] },
      { type: 'stance', labels: [...STANCES] },
      { type: 'trick_status', labels: [...TRICK_STATUSES] },
    ]);
  });

  it('stores every timestamp as timestamp with time zone', async ({ t }) => {
    const rows = await t.query<{ column: string; data_type: string }>(`
      SELECT table_name || '.' || column_name AS column, data_type FROM information_schema.columns
       WHERE table_schema = 'public' AND data_type LIKE 'timestamp%' ORDER BY 1`);
    // The catalog's timestamp columns are exactly the ones the TypeScript declares, all with time zone.
    const declared = tables()
      .flatMap((table) =>
        getTableConfig(table)
          .columns.filter((c) => c.getSQLType().startsWith('timestamp'))
          .map((c) => `${getTableConfig(table).name}.${c.name}`),
      )
      .sort();
    expect(rows.map((r) => r.column)).toEqual(declared);
    expect(rows.filter((r) => r.data_type !== 'timestamp with time zone')).toEqual([]);
    const createdAt = await t.query<{ table_name: string; column_default: string | null }>(`
      SELECT table_name, column_default FROM information_schema.columns
       WHERE table_schema = 'public' AND column_name = 'created_at' ORDER BY 1`);
    expect(createdAt.map((r) => r.table_name)).toEqual(TABLES.filter((table) => !DERIVED.includes(table)));
    expect(createdAt.filter((r) => r.column_default !== 'now()')).toEqual([]);
  });

  it('names every constraint, index and trigger <table>_<what>_<pk|fk|uq|ck|idx|trg>', async ({ t }) => {
    const names = await t.query<{ kind: string; table_name: string; name: string }>(`
      SELECT 'constraint' AS kind, conrelid::regclass::text AS table_name, conname AS name
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype <> 'n'
      UNION ALL
      SELECT 'index', tablename, indexname FROM pg_indexes WHERE schemaname = 'public'
      UNION ALL
      SELECT 'trigger', c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
       WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace
      ORDER BY 1, 2, 3`);
    expect(names.length).toBeGreaterThan(60);
    const bad = names.filter(({ kind, table_name, name }) => {
      const suffix = kind === 'trigger' ? 'trg' : kind === 'index' ? '(pk|uq|idx)' : '(pk|fk|uq|ck)';
      return !new RegExp(`^${table_name}_([a-z0-9]+_)*?(${suffix})$`).test(name);
    });
    expect(bad).toEqual([]);
  });

  it('has the updated_at trigger on every mutable table and the audit trigger on every audited table', async ({ t }) => {
    const rows = await t.query<{ name: string }>('SELECT tgname AS name FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1');
    const names = rows.map((r) => r.name);
    for (const table of MUTABLE) expect(names).toContain(`${table}_updated_at_trg`);
    for (const table of AUDITED_TABLES)
      for (const op of ['insert', 'update', 'delete']) expect(names).toContain(`${table}_audit_${op}_trg`);
    expect(names).toEqual(expect.arrayContaining(['audit_logs_append_only_trg', 'audit_logs_no_truncate_trg', 'checkins_spot_active_trg']));
    // audit_logs itself is not audited (it would audit its own writes forever).
    expect(names.filter((n) => n.startsWith('audit_logs_audit_'))).toEqual([]);
  });

  it('has the delete rule the README promises on every foreign key, and no other foreign key', async ({ t }) => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const promised = Object.fromEntries(
      [...readme.matchAll(/^\| `([a-z_]+_fk)` \|[^|]+\| (CASCADE|RESTRICT|SET NULL|NO ACTION)\b/gm)].map((m) => [m[1], m[2]]),
    );
    const rows = await t.query<{ name: string; on_delete: string }>(`
      SELECT conname AS name,
             CASE confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'r' THEN 'RESTRICT' WHEN 'n' THEN 'SET NULL'
                              WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END AS on_delete
        FROM pg_constraint WHERE contype = 'f' ORDER BY 1`);
    expect(Object.fromEntries(rows.map((r) => [r.name, r.on_delete]))).toEqual(promised);
    expect(rows).toHaveLength(16);
  });

  it('backs every foreign key with an index that leads with its columns (delete rules stay cheap)', async ({ t }) => {
    const unindexed = await t.query<{ name: string }>(`
      SELECT c.conname AS name FROM pg_constraint c
       WHERE c.contype = 'f' AND NOT EXISTS (
         SELECT 1 FROM pg_index i
          WHERE i.indrelid = c.conrelid
            AND (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] @> c.conkey
            AND (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] <@ c.conkey)`);
    expect(unindexed).toEqual([]);
  });
});

describe('relations', () => {
  it('answers a relational query across every relation', async ({ t }) => {
    const { users, spots, checkins, savedSpots, sessions, achievements, userAchievements } = schema;
    const [rider] = await t.db
      .insert(users)
      .values({ handle: `rel_${Date.now().toString(36)}`, email: `rel.${Date.now()}@example.test`, display_name: 'Rel' })
      .returning();
    const [spot] = await t.db
      .insert(spots)
      .values({ name: 'Relation ledge', latitude: 1, longitude: 1, created_by: rider!.id })
      .returning();
    await t.db.insert(checkins).values({ user_id: rider!.id, spot_id: spot!.id, trick: 'ollie', trick_status: 'landed', stance: 'goofy' });
    await t.db.insert(savedSpots).values({ user_id: rider!.id, spot_id: spot!.id });
    await t.db.insert(sessions).values({ user_id: rider!.id, token_hash: 'ab'.repeat(32), expires_at: new Date(Date.now() + 3_600_000) });
    const [achievement] = await t.db
      .insert(achievements)
      .values({ slug: 'relation-test', name: 'Relations', description: '', tier: 'silver', metric: 'manual', goal: 2 })
      .returning();
    await t.db.insert(userAchievements).values({ user_id: rider!.id, achievement_id: achievement!.id, goal: 2, progress: 1 });

    const found = await t.db.query.users.findFirst({
      where: (u, { eq }) => eq(u.id, rider!.id),
      with: {
        sessions: { with: { user: true } },
        checkins: {
          with: { spot: { with: { creator: true, checkins: true, savedBy: { with: { user: true, spot: true } } } }, user: true },
        },
        savedSpots: true,
        createdSpots: true,
        achievements: { with: { achievement: { with: { holders: true } }, user: true } },
      },
    });
    expect(found!.sessions[0]!.user.id).toBe(rider!.id);
    expect(found!.checkins[0]!.spot.creator!.id).toBe(rider!.id);
    expect(found!.checkins[0]!.spot.checkins).toHaveLength(1);
    expect(found!.checkins[0]!.spot.savedBy[0]!.user.handle).toBe(rider!.handle);
    expect(found!.checkins[0]!.spot.savedBy[0]!.spot.id).toBe(spot!.id);
    expect(found!.checkins[0]!.user.id).toBe(rider!.id);
    expect(found!.savedSpots).toHaveLength(1);
    expect(found!.createdSpots.map((s) => s.id)).toEqual([spot!.id]);
    expect(found!.achievements[0]!.achievement.slug).toBe('relation-test');
    expect(found!.achievements[0]!.achievement.holders).toHaveLength(1);
    expect(found!.achievements[0]!.user.id).toBe(rider!.id);
  });
});

describe('index strategy', () => {
  it('has exactly the indexes the README lists, each with its reason', async ({ t }) => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.split('Every index and why it exists')[1]!.split('\n### ')[0]!;
    const listed = [...section.matchAll(/`([a-z_]+_(?:pk|uq|idx))`/g)].map((m) => m[1]!).sort();
    const rows = await t.query<{ name: string }>("SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1");
    expect(listed).toEqual(rows.map((r) => r.name));
  });

  it('has no index whose columns are a leading prefix of another on the same table (a duplicate)', async ({ t }) => {
    const rows = await t.query<{ table_name: string; name: string; keys: string; predicate: string | null; is_unique: boolean }>(`
      SELECT i.indrelid::regclass::text AS table_name, c.relname AS name, i.indisunique AS is_unique,
             pg_get_expr(i.indpred, i.indrelid) AS predicate,
             array_to_string(ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) k), ',') AS keys
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE c.relnamespace = 'public'::regnamespace`);
    const redundant = rows.filter((a) =>
      rows.some(
        (b) =>
          a !== b && a.table_name === b.table_name && !a.is_unique && a.predicate === b.predicate && `${b.keys},`.startsWith(`${a.keys},`),
      ),
    );
    expect(redundant.map((r) => r.name)).toEqual([]);
  });
});
