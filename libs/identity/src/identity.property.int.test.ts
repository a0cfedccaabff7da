import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { STANCES } from '@skatehubba/enums';
import {
  databaseTest,
  enumLabel,
  expectVerdictsAgree,
  hasSessions,
  mediaUrl,
  optional,
  PROPERTY_RUNS,
  textAround,
} from '@skatehubba/testing';
import { DISPLAY_NAME_MAX_LENGTH } from './constants';
import { createUser } from './factories';
import { sessions } from './sessions';
import { users } from './users';
import { sessionInsertSchema, userInsertSchema } from './validation';

// Property: zod and the database agree on 1,000 generated rows per table
// (seeded; each row inserted in a rolled-back transaction, so not on neon-http).
const schema = { users, sessions };
const it = databaseTest(schema);
let parent: string;

const handle = fc.oneof(fc.stringMatching(/^[a-z0-9_]{3,30}$/), textAround(30, 3), fc.stringMatching(/^[A-Za-z0-9_-]{2,32}$/));
const email = fc.oneof(
  fc.emailAddress(),
  fc
    .tuple(fc.stringMatching(/^[a-z0-9.]{1,250}$/), fc.constantFrom('@example.test', '@skatehubba.test'))
    .map(([local, domain]) => local + domain),
  textAround(60),
);

describe.skipIf(!hasSessions())('zod and the database agree', () => {
  it.beforeAll(async ({ t }) => {
    parent = (await createUser(t.db, { handle: 'zz_property_parent_rider', email: 'zz.property.parent@example.test' })).id;
  });

  it(`on ${PROPERTY_RUNS} users`, async ({ t }) => {
    const rows = fc.record(
      {
        handle,
        email,
        display_name: textAround(DISPLAY_NAME_MAX_LENGTH, 1),
        stance: fc.oneof(fc.constant(undefined), enumLabel(STANCES)),
        avatar_url: optional(mediaUrl),
      },
      { requiredKeys: ['handle', 'email', 'display_name'] },
    );
    const report = await expectVerdictsAgree(t, { table: users, schema: userInsertSchema, rows });
    expect(report.cases).toBe(PROPERTY_RUNS);
    // Both verdicts are common: the property is not won by refusing (or accepting) everything.
    expect(Math.min(report.accepted, report.refused)).toBeGreaterThan(PROPERTY_RUNS / 10);
  });

  it(`on ${PROPERTY_RUNS} sessions`, async ({ t }) => {
    const DAY = 86_400_000;
    const created = new Date('2026-06-01T12:00:00.000Z');
    const offset = fc.oneof(fc.integer({ min: -DAY, max: 100 * DAY }), fc.constantFrom(0, 1, -1, 90 * DAY, 90 * DAY + 1));
    const rows = fc.record({
      user_id: fc.constant(undefined).map(() => parent),
      token_hash: fc.oneof(
        fc.string().map((token) => createHash('sha256').update(token).digest('hex')),
        fc.stringMatching(/^[0-9a-fA-F]{63,65}$/),
        textAround(64),
      ),
      created_at: fc.constant(created),
      expires_at: offset.map((ms) => new Date(created.getTime() + ms)),
      revoked_at: optional(offset.map((ms) => new Date(created.getTime() + ms - DAY))),
    });
    const report = await expectVerdictsAgree(t, { table: sessions, schema: sessionInsertSchema, rows });
    expect(Math.min(report.accepted, report.refused)).toBeGreaterThan(PROPERTY_RUNS / 10);
  });
});
