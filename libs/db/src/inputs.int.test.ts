import { expect } from 'vitest';
import type { z } from 'zod';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import {
  checkInInput,
  createSpotInput,
  markNotificationsReadInput,
  recordProgressInput,
  saveSpotInput,
  signUpInput,
  startSessionInput,
  updateCheckinInput,
  updateProfileInput,
  updateSpotInput,
} from '@skatehubba/contracts';
import { checkinWrites, savedSpotWrites, spotWrites } from '@skatehubba/spots';
import { sessionWrites, userWrites } from '@skatehubba/identity';
import { databaseTest, type TestDatabase } from '@skatehubba/testing';
import * as schema from './schema';

// Integration: what a rider's request may carry (the input schemas of
// @skatehubba/contracts) plus what the server fills in (the rider, from the
// verified session; a session's token hash and expiry) is exactly what the
// app role may write, read from the catalog. A grant widened in a migration,
// a new input key, or a server-owned column let into a schema fails here.
const it = databaseTest(schema);

interface Write {
  table: string;
  /** The request body; null where the body carries nothing (a revocation is "now"). */
  input: z.ZodObject | null;
  /** Columns the server writes itself: the rider of the session, and what it derives. */
  server: string[];
  /** Input keys that are not columns, and the column the server derives from each. */
  derived?: Record<string, string>;
  /** The writes table that names exactly the insertable columns (see @skatehubba/spots writes.ts). */
  writes?: PgTable;
}

const INSERTS: Write[] = [
  // users.id is the verified rider id; users_sign_up_pol pins it.
  { table: 'users', input: signUpInput, server: ['id'], writes: userWrites },
  // The server makes the token (shown once) and stores its SHA-256; expires_at = now + lifetime_days.
  {
    table: 'sessions',
    input: startSessionInput,
    server: ['user_id', 'token_hash'],
    derived: { lifetime_days: 'expires_at' },
    writes: sessionWrites,
  },
  { table: 'spots', input: createSpotInput, server: ['created_by'], writes: spotWrites },
  { table: 'checkins', input: checkInInput, server: ['user_id'], writes: checkinWrites },
  { table: 'saved_spots', input: saveSpotInput, server: ['user_id'], writes: savedSpotWrites },
];

const UPDATES: Write[] = [
  { table: 'users', input: updateProfileInput, server: [] },
  // revokeSession(): the body is empty, revoked_at is the database's now().
  { table: 'sessions', input: null, server: ['revoked_at'] },
  { table: 'spots', input: updateSpotInput, server: [] },
  { table: 'checkins', input: updateCheckinInput, server: [] },
  // markNotificationsRead(): the body (markNotificationsReadInput) only picks
  // which of the rider's rows; read_at is the database's now().
  { table: 'notifications', input: null, server: ['read_at'] },
];

/** The columns a write names: the input's keys (as columns) and the server's. */
function columnsOf({ input, server, derived = {} }: Write): string[] {
  const fromInput = input ? Object.keys(input.shape).map((key) => derived[key] ?? key) : [];
  return [...fromInput, ...server].sort();
}

async function granted(t: TestDatabase<typeof schema>, privilege: 'INSERT' | 'UPDATE', table?: string) {
  const rows = await t.query<{ table: string; column: string }>(`
    SELECT c.relname AS table, a.attname AS column
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
       AND has_column_privilege('authenticated', c.oid, a.attnum, '${privilege}')
       ${table ? `AND c.relname = '${table}'` : ''}
     ORDER BY 1, 2`);
  return rows;
}

it('every table the app role may INSERT into or UPDATE has its input schema here', async ({ t }) => {
  const tables = async (privilege: 'INSERT' | 'UPDATE') => [...new Set((await granted(t, privilege)).map((r) => r.table))].sort();
  expect(await tables('INSERT')).toEqual(INSERTS.map((w) => w.table).sort());
  expect(await tables('UPDATE')).toEqual(UPDATES.map((w) => w.table).sort());
});

it.for(INSERTS)(
  '$table: the input schema and the server-filled columns are exactly what authenticated may INSERT',
  async (write, { t }) => {
    const columns = (await granted(t, 'INSERT', write.table)).map((r) => r.column);
    expect(columns).toEqual(columnsOf(write));
    expect(getTableConfig(write.writes!).name).toBe(write.table);
    expect(
      getTableConfig(write.writes!)
        .columns.map((c) => c.name)
        .sort(),
    ).toEqual(columns);
  },
);

it.for(UPDATES)('$table: the edit schema and the server-filled columns are exactly what authenticated may UPDATE', async (write, { t }) => {
  expect((await granted(t, 'UPDATE', write.table)).map((r) => r.column)).toEqual(columnsOf(write));
});

it('no input schema carries a column the database or the session owns', () => {
  const serverOwned = ['id', 'user_id', 'created_by', 'created_at', 'updated_at', 'archived_at', 'revoked_at', 'token_hash', 'expires_at'];
  for (const { input } of [...INSERTS, ...UPDATES]) {
    if (input) expect(Object.keys(input.shape).filter((key) => serverOwned.includes(key))).toEqual([]);
  }
  expect(Object.keys(recordProgressInput.shape).filter((key) => ['user_id', 'progress', 'unlocked_at'].includes(key))).toEqual([]);
  expect(Object.keys(markNotificationsReadInput.shape)).toEqual(['ids']);
});

it('recordProgressInput is record_progress() without its rider: (p_user_id, p_achievement_id, p_step)', async ({ t }) => {
  // Progress is granted to no one; the definer function is the only way in, and the rider is its first argument.
  const [fn] = await t.query<{ args: string }>(
    `SELECT pg_get_function_identity_arguments('public.record_progress(uuid, uuid, integer)'::regprocedure) AS args`,
  );
  expect(fn!.args).toBe('p_user_id uuid, p_achievement_id uuid, p_step integer');
  expect(Object.keys(recordProgressInput.shape)).toEqual(['achievement_id', 'by']);
});

it('refuses a backdated check-in by name before it reaches the database', () => {
  const result = checkInInput.safeParse({
    spot_id: '00000000-0000-4000-8000-000000000002',
    trick: 'kickflip',
    trick_status: 'landed',
    stance: 'regular',
    created_at: new Date('2020-01-01T00:00:00Z'),
  });
  expect(result.success).toBe(false);
  expect(result.error?.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: ['created_at'] })]);
});
