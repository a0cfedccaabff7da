import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, inject } from 'vitest';
import { users } from '@skatehubba/identity';
import { createUser } from '@skatehubba/identity/factories';
import { databaseTest, expectRefused, hasSessions, type TestDatabase } from '@skatehubba/testing';
import { unwrap } from '@skatehubba/schema-kit';
import { checkins } from './checkins';
import { createCheckin, createSpot } from './factories';
import { archiveSpot } from './flows/archive';
import { spots } from './spots';

// Integration, server engines only: a check-in racing archiveSpot() on two
// real connections. PGlite is one connection (nothing can race), neon-http
// has no sessions. checkins_require_active_spot() reads the spot FOR SHARE,
// which waits for archiveSpot()'s FOR UPDATE; without it the trigger reads
// the spot as it was before the archive and lets the check-in in.
const schema = { users, spots, checkins };
const it = databaseTest(schema);
const racing = inject('engine') !== 'pglite' && hasSessions();

/**
 * Waits until a backend of this database is blocked by `blocker`
 * (pg_blocking_pids) and returns its pid; `pid` narrows it to one backend.
 * Polls the lock table; no fixed sleeps.
 */
async function blockedBy(t: TestDatabase<typeof schema>, blocker: number, pid?: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const rows = await t.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND ${blocker} = ANY(pg_blocking_pids(pid))
          ${pid === undefined ? '' : `AND pid = ${pid}`}`,
    );
    if (rows[0]) return rows[0].pid;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no backend ${pid ?? ''} was blocked by ${blocker} within 10 s`);
}

describe.runIf(racing)('a check-in racing archiveSpot()', () => {
  it('waits for the archive to commit, is refused (checkins_spot_active_trg), and leaves no live check-in at the archived spot', async ({
    t,
  }) => {
    const rider = await createUser(t.db);
    const spot = await createSpot(t.db);
    const earlier = await createCheckin(t.db, (await createUser(t.db)).id, spot.id);

    // Hold archiveSpot()'s transaction open after it has locked and archived
    // the spot: a third connection locks the spot's one live check-in, so
    // the archive's UPDATE of check-ins waits on it.
    const holder = await t.connect();
    const racer = await t.connect();
    try {
      const [{ pid: holderPid }] = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
      const [{ pid: racerPid }] = (await racer.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM checkins WHERE id = $1 FOR UPDATE', [earlier.id]);

      const archive = archiveSpot(t.db, { staff: rider.id }, spot.id);
      const archivePid = await blockedBy(t, holderPid);
      // Blocked on the check-ins, so the spot is locked and archived, not yet committed.
      const [seen] = await t.db.select({ archived_at: spots.archived_at }).from(spots).where(eq(spots.id, spot.id));
      expect(seen!.archived_at).toBeNull();

      // The check-in arrives while the archive is uncommitted: it must wait for it.
      const checkin = racer.query(
        `INSERT INTO checkins (user_id, spot_id, trick, trick_status, stance) VALUES ($1, $2, 'kickflip', 'landed', 'regular') RETURNING id`,
        [rider.id, spot.id],
      );
      checkin.catch(() => undefined);
      await blockedBy(t, archivePid, racerPid);

      await holder.query('COMMIT');
      const archived = unwrap(await archive);
      expect(archived.checkins_archived).toBe(1);

      await expectRefused(checkin, 'checkins_spot_active_trg');
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.close();
      await racer.close();
    }

    const live = await t.db
      .select({ id: checkins.id })
      .from(checkins)
      .where(and(eq(checkins.spot_id, spot.id), isNull(checkins.archived_at)));
    expect(live).toEqual([]);
    const [row] = await t.db.select({ archived_at: spots.archived_at }).from(spots).where(eq(spots.id, spot.id));
    expect(row!.archived_at).not.toBeNull();
  });
});
