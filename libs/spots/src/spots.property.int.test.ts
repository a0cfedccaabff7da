import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { STANCES, TRICK_STATUSES } from '@skatehubba/enums';
import { users } from '@skatehubba/identity';
import { createUser } from '@skatehubba/identity/factories';
import {
  databaseTest,
  enumLabel,
  expectVerdictsAgree,
  hasSessions,
  mediaUrl,
  optional,
  PROPERTY_RUNS,
  reference,
  textAround,
} from '@skatehubba/testing';
import { checkins } from './checkins';
import { CHECKIN_NOTE_MAX_LENGTH, SPOT_DESCRIPTION_MAX_LENGTH, SPOT_NAME_MAX_LENGTH, TRICK_NAME_MAX_LENGTH } from './constants';
import { createSpot } from './factories';
import { savedSpots } from './saved-spots';
import { spots } from './spots';
import { checkinInsertSchema, savedSpotInsertSchema, spotInsertSchema } from './validation';

// Property: zod and the database agree on 1,000 generated rows per table
// (seeded; each row inserted in a rolled-back transaction, so not on neon-http).
// Foreign keys point at existing rows or at text that is not a UUID: whether a
// well-formed id exists is a question only the database can answer.
const schema = { users, spots, checkins, savedSpots };
const it = databaseTest(schema);
let riders: string[];
let places: string[];

/** Coordinates: in range, the exact bounds, just outside, and the float8 values that are not numbers. */
const coordinate = (bound: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.double({ min: -bound, max: bound, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(bound, -bound, 0, -0) },
    { weight: 1, arbitrary: fc.constantFrom(bound + 1e-9, -bound - 1e-9, Number.MAX_VALUE, -Number.MAX_VALUE) },
    { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
    { weight: 1, arbitrary: fc.double() },
  );

describe.skipIf(!hasSessions())('zod and the database agree', () => {
  it.beforeAll(async ({ t }) => {
    riders = [(await createUser(t.db)).id, (await createUser(t.db)).id];
    places = [(await createSpot(t.db)).id, (await createSpot(t.db)).id];
  });

  it(`on ${PROPERTY_RUNS} spots`, async ({ t }) => {
    const rows = fc.record(
      {
        name: textAround(SPOT_NAME_MAX_LENGTH, 1),
        description: optional(textAround(SPOT_DESCRIPTION_MAX_LENGTH)),
        latitude: coordinate(90),
        longitude: coordinate(180),
        photo_url: optional(mediaUrl),
        created_by: optional(reference(riders)),
      },
      { requiredKeys: ['name', 'latitude', 'longitude'] },
    );
    const report = await expectVerdictsAgree(t, { table: spots, schema: spotInsertSchema, rows });
    expect(Math.min(report.accepted, report.refused)).toBeGreaterThan(PROPERTY_RUNS / 10);
  });

  it(`on ${PROPERTY_RUNS} check-ins`, async ({ t }) => {
    const rows = fc.record(
      {
        user_id: reference(riders),
        spot_id: reference(places),
        trick: textAround(TRICK_NAME_MAX_LENGTH, 1),
        trick_status: enumLabel(TRICK_STATUSES),
        stance: enumLabel(STANCES),
        note: optional(textAround(CHECKIN_NOTE_MAX_LENGTH)),
        media_url: optional(mediaUrl),
      },
      { requiredKeys: ['user_id', 'spot_id', 'trick', 'trick_status', 'stance'] },
    );
    const report = await expectVerdictsAgree(t, { table: checkins, schema: checkinInsertSchema, rows });
    expect(Math.min(report.accepted, report.refused)).toBeGreaterThan(PROPERTY_RUNS / 10);
  });

  it(`on ${PROPERTY_RUNS} saved spots`, async ({ t }) => {
    const rows = fc.record({
      user_id: reference(riders),
      spot_id: reference(places),
      created_at: optional(fc.date({ noInvalidDate: true, min: new Date('2020-01-01'), max: new Date('2030-01-01') })),
    });
    const report = await expectVerdictsAgree(t, { table: savedSpots, schema: savedSpotInsertSchema, rows });
    expect(Math.min(report.accepted, report.refused)).toBeGreaterThan(PROPERTY_RUNS / 20);
  });
});
