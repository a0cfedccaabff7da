import { readFile } from 'node:fs/promises';
import { describe, expect } from 'vitest';
import { createAchievement } from '@skatehubba/gamification/factories';
import { createUser } from '@skatehubba/identity/factories';
import { databaseTest } from '@skatehubba/testing';
import { auditTrailFor, createSpot, schema, startSession, unwrap } from '@skatehubba/db';
import { postCheckIn } from './check-in-route';

// The README's "Build an API on this" is check-in-route.ts, word for word:
// typechecked as an app of the workspace, and run here on every engine as the
// API's login.
const it = databaseTest(schema);
const EXAMPLE = new URL('./check-in-route.ts', import.meta.url);
const README = new URL('../../../README.md', import.meta.url);

describe('the README example: POST /spots/:spotId/check-ins', () => {
  it('is in the README as it is in apps/api-example/src/check-in-route.ts', async () => {
    const [readme, example] = await Promise.all([readFile(README, 'utf8'), readFile(EXAMPLE, 'utf8')]);
    const section = readme.slice(readme.indexOf('## Build an API on this'));
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block, 'a ```ts block under "## Build an API on this"').toBeDefined();
    expect(block).toBe(example);
  });

  it('checks a rider in, unlocks, refuses the duplicate, a server-owned field and no token, and audits the one check-in', async ({ t }) => {
    const rider = await createUser(t.db);
    const spot = unwrap(await createSpot(t.app, { rider: rider.id }, { name: 'Courthouse ledges', latitude: 34.05, longitude: -118.24 }));
    const firstPush = await createAchievement(t.db, { metric: 'checkins', goal: 1 });
    const { token } = unwrap(await startSession(t.app, { rider: rider.id }, {}));
    const body = { trick: 'kickflip', trick_status: 'landed', stance: 'regular' };

    const landed = await postCheckIn(t.app, token, spot.id, body);
    expect(landed.status).toBe(201);
    const created = landed.body as { checkin: { id: string; user_id: string }; unlocked: { achievement_id: string }[] };
    expect(created.checkin.user_id).toBe(rider.id);
    expect(created.unlocked.map((u) => u.achievement_id)).toEqual([firstPush.id]);

    const again = await postCheckIn(t.app, token, spot.id, body);
    expect(again.status).toBe(409);
    const refusal = JSON.parse(JSON.stringify(again.body)) as { rule: string; kind: string; facts: { retryAt: string } };
    expect(refusal).toMatchObject({ rule: 'duplicate_checkin', kind: 'conflict' });
    expect(new Date(refusal.facts.retryAt).getTime()).toBeGreaterThan(Date.now());
    expect(Object.keys(refusal).sort()).toEqual(['facts', 'kind', 'message', 'rule']); // no constraint, no SQLSTATE

    const backdated = await postCheckIn(t.app, token, spot.id, { ...body, created_at: '2020-01-01T00:00:00Z' });
    expect(backdated.status).toBe(400);
    expect(backdated.body).toMatchObject({ rule: 'invalid_input' });
    expect((await postCheckIn(t.app, undefined, spot.id, body)).status).toBe(401);
    expect((await postCheckIn(t.app, 'not-a-token', spot.id, body)).status).toBe(401);

    // One check-in stored, one audit row for it, by the rider.
    const stored = await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM checkins WHERE user_id = '${rider.id}'`);
    expect(stored[0]!.n).toBe(1);
    const trail = await auditTrailFor(t.db, 'checkins', created.checkin.id);
    expect(trail.map((r) => [r.action, r.actor_id])).toEqual([['insert', rider.id]]);
  });
});
