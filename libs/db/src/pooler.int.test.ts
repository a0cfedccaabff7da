import { randomUUID } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { afterAll, describe, expect, inject } from 'vitest';
import { withActor } from '@skatehubba/audit';
import { createSession, createUser } from '@skatehubba/identity/factories';
import { asAnonymous, asRider } from '@skatehubba/schema-kit';
import { databaseTest, enginePool, pgbouncerBinary, PGBOUNCER_MISSING, startPgBouncer, type PgBouncer } from '@skatehubba/testing';
import { createDb } from './client';
import { migrateDb, PoolerMigrationError } from './migrate';
import * as schema from './schema';

// Behind a transaction pooler (PgBouncer in transaction mode, as Neon's
// pooled endpoint), a server connection serves one client's transaction,
// then the next client's: anything a request leaves at session level
// (a SET, a set_config(..., false), a role) is the next client's too. These
// tests run the API's helpers through a PgBouncer of their own with two
// server connections per login, so every connection is shared by many
// clients, on node-postgres and on the Neon WebSocket Pool (via the bridge).
const engine = inject('engine');
const serverEngine = engine === 'postgres' || engine === 'neon-ws';
const it = databaseTest(schema);
// CI installs PgBouncer; elsewhere the test says what to install rather than fail.
const bouncerMissing = serverEngine && !pgbouncerBinary();
if (bouncerMissing && process.env.CI) throw new Error(`${PGBOUNCER_MISSING}: CI runs the pooler tests`);
if (bouncerMissing) console.warn(`pooler tests skipped: ${PGBOUNCER_MISSING}`);

const SERVER_CONNECTIONS = 2;
const CLIENTS_PER_LOGIN = 16;
const ROUNDS = 8;

type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** What a statement sees of its session: who it runs as, for which rider and actor, on which server connection. */
const CONTEXT = sql`SELECT current_user AS role, current_rider_id()::text AS rider,
  nullif(current_setting('skatehubba.actor_id', true), '') AS actor, pg_backend_pid() AS pid`;
interface Context {
  role: string;
  rider: string | null;
  actor: string | null;
  pid: number;
}
const contextOf = async (db: Pick<Db, 'execute'>) => ((await db.execute(CONTEXT)) as unknown as { rows: Context[] }).rows[0]!;

describe.skipIf(!serverEngine || bouncerMissing)(`through PgBouncer in transaction mode (${engine})`, () => {
  let bouncer: PgBouncer | undefined;
  afterAll(async () => bouncer?.stop());

  it(`${CLIENTS_PER_LOGIN * 2} clients interleave withActor() and asRider() over ${SERVER_CONNECTIONS} server connections per login: each write is audited to its own actor, each request sees only its own rows`, async ({
    t,
  }) => {
    bouncer = await startPgBouncer({ target: t.url('admin', 'direct'), poolSize: SERVER_CONNECTIONS });
    // Riders 0..15 for the owner's login (staff and riders on one pool of
    // server connections), 16..31 for the API's login.
    const riders = await Promise.all(Array.from({ length: CLIENTS_PER_LOGIN * 2 }, () => createUser(t.db)));
    const sessionOf = new Map<string, string>();
    for (const rider of riders) sessionOf.set(rider.id, (await createSession(t.db, rider.id)).id);
    const staff = riders.map(() => randomUUID());

    // Each client: its own connection to the pooler (a pool of one).
    const open = (login: 'admin' | 'app') => enginePool(schema, bouncer!.via(t.url(login, 'direct')), { max: 1 });
    const clients = [...riders.map((_, i) => ({ i, login: i < CLIENTS_PER_LOGIN ? ('admin' as const) : ('app' as const) }))].map((c) => ({
      ...c,
      ...open(c.login),
    }));
    const expectedActor = new Map<string, string>(); // display_name written -> actor it must be audited to
    const leaks: string[] = [];
    const pids = { admin: new Set<number>(), app: new Set<number>() };
    let transactions = 0;
    let bare = 0;
    const see = (what: string, got: Context, want: Omit<Context, 'pid'>) => {
      const { pid, ...seen } = got;
      if (JSON.stringify(seen) !== JSON.stringify(want))
        leaks.push(`${what}: saw ${JSON.stringify(seen)}, expected ${JSON.stringify(want)}`);
      return pid;
    };
    const ownSessions = async (tx: Pick<Db, 'select'>, rider: string, what: string) => {
      const rows = await tx.select({ id: schema.sessions.id }).from(schema.sessions);
      const want = [sessionOf.get(rider)];
      if (JSON.stringify(rows.map((r) => r.id)) !== JSON.stringify(want)) leaks.push(`${what}: read sessions ${JSON.stringify(rows)}`);
    };
    const rename = async (tx: Pick<Db, 'update'>, rider: string, name: string, actor: string) => {
      expectedActor.set(name, actor);
      await tx.update(schema.users).set({ display_name: name }).where(eq(schema.users.id, rider));
    };

    const started = performance.now();
    await Promise.all(
      clients.map(async ({ i, login, db }) => {
        const rider = riders[i]!.id;
        for (let round = 0; round < ROUNDS; round++) {
          const tag = `c${i} r${round}`;
          if (login === 'admin') {
            // Staff work with an actor, then the same login acting as a rider.
            await withActor(db, staff[i]!, async (tx) => {
              pids.admin.add(see(`${tag} withActor`, await contextOf(tx), { role: 'postgres', rider: null, actor: staff[i]! }));
              await rename(tx, rider, `staff ${tag}`, staff[i]!);
            });
            await asRider(db, rider, async (tx) => {
              pids.admin.add(see(`${tag} asRider`, await contextOf(tx), { role: 'authenticated', rider, actor: rider }));
              await ownSessions(tx, rider, `${tag} asRider`);
              await rename(tx, rider, `rider ${tag}`, rider);
            });
            transactions += 2;
            pids.admin.add(see(`${tag} bare statement`, await contextOf(db), { role: 'postgres', rider: null, actor: null }));
          } else {
            await asRider(db, rider, async (tx) => {
              pids.app.add(see(`${tag} asRider`, await contextOf(tx), { role: 'authenticated', rider, actor: rider }));
              await ownSessions(tx, rider, `${tag} asRider`);
              await rename(tx, rider, `rider ${tag}`, rider);
            });
            // Anonymous may not read sessions at all: a read that succeeds ran as someone else.
            const anonymous = await asAnonymous(db, async (tx) => {
              pids.app.add(see(`${tag} asAnonymous`, await contextOf(tx), { role: 'anonymous', rider: null, actor: null }));
              return tx.select({ id: schema.sessions.id }).from(schema.sessions);
            }).catch((error: unknown) => error);
            if ((anonymous as { cause?: { code?: string } }).cause?.code !== '42501') {
              leaks.push(`${tag} asAnonymous: reading sessions gave ${JSON.stringify(anonymous)}, not permission denied`);
            }
            transactions += 2;
            // The API's login is anonymous between requests (migration 0006).
            pids.app.add(see(`${tag} bare statement`, await contextOf(db), { role: 'anonymous', rider: null, actor: null }));
          }
          bare += 1;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const servers = await bouncer.show<{ database: string; user: string }>('SERVERS');
    await Promise.all(clients.map((c) => c.end()));

    // Every rename is audited once, to the actor of the transaction that made it.
    const trail = await t.db
      .select({ actor: schema.auditLogs.actor_id, changes: schema.auditLogs.changes })
      .from(schema.auditLogs)
      .where(
        inArray(
          schema.auditLogs.target_id,
          riders.map((r) => r.id),
        ),
      );
    const audited = trail.flatMap((row) => {
      const name = (row.changes as Record<string, [unknown, unknown]>).display_name?.[1];
      return typeof name === 'string' && expectedActor.has(name) ? [{ name, actor: row.actor }] : [];
    });
    for (const { name, actor } of audited) {
      if (actor !== expectedActor.get(name)) leaks.push(`"${name}" audited to ${actor}, written as ${expectedActor.get(name)}`);
    }

    console.log(
      `pooler leak test (${engine} through PgBouncer, transaction mode): ${clients.length} clients (${CLIENTS_PER_LOGIN} on the owner's login, ${CLIENTS_PER_LOGIN} on skatehubba_app), ` +
        `${transactions} transactions and ${bare} bare statements in ${seconds.toFixed(1)} s, ` +
        `server connections used: ${pids.admin.size} (owner's login) + ${pids.app.size} (skatehubba_app), ` +
        `${audited.length} audited writes, leaks found: ${leaks.length}`,
    );
    expect(leaks).toEqual([]);
    expect(audited).toHaveLength(expectedActor.size);
    expect(expectedActor.size).toBe(CLIENTS_PER_LOGIN * ROUNDS * 3);
    // The clients really shared the server connections: at most the pool's size each, for 16 clients each.
    expect(pids.admin.size).toBeLessThanOrEqual(SERVER_CONNECTIONS);
    expect(pids.app.size).toBeLessThanOrEqual(SERVER_CONNECTIONS);
    expect(servers.filter((s) => s.database === new URL(t.url()).pathname.slice(1)).length).toBeLessThanOrEqual(2 * SERVER_CONNECTIONS);
  });

  it('carries a session-level setting to the next client: the hazard the test above would catch', async ({ t }) => {
    // One server connection, so the second client's statements surely run where the first client's did.
    const single = await startPgBouncer({ target: t.url('admin', 'direct'), poolSize: 1 });
    const first = enginePool(schema, single.via(t.url('admin', 'direct')), { max: 1 });
    const second = enginePool(schema, single.via(t.url('admin', 'direct')), { max: 1 });
    try {
      const actor = randomUUID();
      // What the helpers never do: is_local = false outlives the statement's transaction.
      await first.db.execute(sql`SELECT set_config('skatehubba.actor_id', ${actor}, false)`);
      // Another client, next in line: PgBouncer hands it the server connection used last.
      const seen = await contextOf(second.db);
      expect(seen.actor).toBe(actor);
      const rider = await createUser(second.db);
      const [row] = await t.db
        .select({ actor: schema.auditLogs.actor_id })
        .from(schema.auditLogs)
        .where(eq(schema.auditLogs.target_id, rider.id));
      expect(row!.actor, "the second client's write is audited to the first client's actor").toBe(actor);
    } finally {
      await Promise.all([first.end(), second.end()]);
      await single.stop();
    }
  });

  it('migrateDb() refuses a local PgBouncer, and migrates on the direct URL', async ({ t }) => {
    bouncer ??= await startPgBouncer({ target: t.url('admin', 'direct'), poolSize: SERVER_CONNECTIONS });
    const pooled = await createDb({ driver: 'node-postgres', url: bouncer.via(t.url('admin', 'direct')), max: 1 });
    const direct = await createDb({ driver: 'node-postgres', url: t.url('admin', 'direct'), max: 1 });
    try {
      const error = await migrateDb(pooled).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PoolerMigrationError);
      expect((error as Error).message).toMatch(
        /^migrateDb: refusing to migrate through a connection pooler: this process connects to 127\.0\.0\.1:\d+ from port \d+, but the server sees the connection come from 127\.0\.0\.1:\d+: something on this machine \(PgBouncer, a proxy\) relays it\. .* Migrate on the direct URL \(DATABASE_URL_UNPOOLED; on Neon, the same URL without -pooler in the host name\)\.$/,
      );
      // The file's database is migrated already: on the direct URL this is the no-op run.
      await expect(migrateDb(direct)).resolves.toBeUndefined();
    } finally {
      await Promise.all([pooled.close(), direct.close()]);
    }
  });
});
