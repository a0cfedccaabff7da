import { createTableRelationsHelpers, extractTablesRelationalConfig, getTableName, is, Many, One } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { AchievementTier, Stance, TrickStatus } from '@skatehubba/enums';
import type { AuditLog } from '@skatehubba/audit';
import type { checkinInsertSchema, spotUpdateSchema } from '@skatehubba/spots';
import { type Checkin, type NewCheckin, type NewSpot, type SavedSpot, type Spot } from '@skatehubba/spots';
import type { userInsertSchema } from '@skatehubba/identity';
import { type NewSession, type NewUser, type RiderExport, type Session, type User } from '@skatehubba/identity';
import type { Achievement, NewUserAchievement, UserAchievement } from '@skatehubba/gamification';
import type { SkateHubbaDb } from './client';
import * as schema from './schema';

// Type-level tests: what the schema promises to TypeScript callers. They
// fail at typecheck (vitest checks expectTypeOf at compile time via tsc).
describe('schema-derived types', () => {
  it('select types carry the enum unions, Dates and nullability', () => {
    expectTypeOf<Checkin['trick_status']>().toEqualTypeOf<TrickStatus>();
    expectTypeOf<Checkin['stance']>().toEqualTypeOf<Stance>();
    expectTypeOf<User['stance']>().toEqualTypeOf<Stance>();
    expectTypeOf<Achievement['tier']>().toEqualTypeOf<AchievementTier>();
    expectTypeOf<Checkin['created_at']>().toEqualTypeOf<Date>();
    expectTypeOf<Checkin['archived_at']>().toEqualTypeOf<Date | null>();
    expectTypeOf<Spot['created_by']>().toEqualTypeOf<string | null>();
    expectTypeOf<Spot['latitude']>().toEqualTypeOf<number>();
    expectTypeOf<UserAchievement['unlocked_at']>().toEqualTypeOf<Date | null>();
    expectTypeOf<AuditLog['id']>().toEqualTypeOf<number>();
    expectTypeOf<AuditLog['action']>().toEqualTypeOf<'insert' | 'update' | 'delete'>();
  });

  it('insert types require what the database requires and default the rest', () => {
    expectTypeOf<NewCheckin>().toHaveProperty('user_id').toEqualTypeOf<string>();
    expectTypeOf<NewCheckin['id']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<NewCheckin['created_at']>().toEqualTypeOf<Date | undefined>();
    expectTypeOf<NewSpot['description']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<NewUserAchievement['progress']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<NewSession['token_hash']>().toEqualTypeOf<string>();
    expectTypeOf<{ handle: string }>().not.toExtend<NewUser>();
  });

  it('no select type exposes a plaintext token or password', () => {
    expectTypeOf<Session>().not.toHaveProperty('token');
    expectTypeOf<User>().not.toHaveProperty('password');
  });

  it('zod insert schemas infer the same shapes as the tables', () => {
    expectTypeOf<z.infer<typeof checkinInsertSchema>['trick_status']>().toEqualTypeOf<TrickStatus>();
    expectTypeOf<z.infer<typeof userInsertSchema>['email']>().toEqualTypeOf<string>();
    // Optional in the type exactly where the schema makes it optional at runtime.
    expectTypeOf<z.infer<typeof userInsertSchema>['avatar_url']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<z.infer<typeof spotUpdateSchema>['latitude']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<z.infer<typeof spotUpdateSchema>['photo_url']>().toEqualTypeOf<string | null | undefined>();
  });

  // The export's type is written by hand in identity (which may not import the
  // other teams' tables); here it is held to every table's select type, with
  // timestamps as JSON carries them. A new column fails this until RiderExport
  // has it (or, for a withheld one, until it is left out on purpose here).
  it('RiderExport carries every column of every rider-owned table, as JSON, but the token hash', () => {
    type Json<R> = { [K in keyof R]: R[K] extends Date ? string : R[K] extends Date | null ? string | null : R[K] };
    expectTypeOf<RiderExport['profile']>().toEqualTypeOf<Json<User>>();
    expectTypeOf<RiderExport['sessions'][number]>().toEqualTypeOf<Json<Omit<Session, 'token_hash'>>>();
    expectTypeOf<RiderExport['sessions'][number]>().not.toHaveProperty('token_hash');
    expectTypeOf<Omit<RiderExport['saved_spots'][number], 'spot_name'>>().toEqualTypeOf<Json<SavedSpot>>();
    expectTypeOf<Omit<RiderExport['checkins'][number], 'spot_name'>>().toEqualTypeOf<Json<Checkin>>();
    expectTypeOf<Omit<RiderExport['achievements'][number], 'achievement' | 'tier'>>().toEqualTypeOf<Json<UserAchievement>>();
    // created_by is the rider's id in their own export: never NULL there.
    expectTypeOf<Omit<RiderExport['spots_created'][number], 'created_by'>>().toEqualTypeOf<Json<Omit<Spot, 'created_by'>>>();
    expectTypeOf<RiderExport['spots_created'][number]['created_by']>().toEqualTypeOf<string>();
  });

  it('the relational query API knows every relation', () => {
    type Query = SkateHubbaDb['query'];
    expectTypeOf<Query>().toHaveProperty('users');
    expectTypeOf<Query>().toHaveProperty('checkins');
    expectTypeOf<Query>().toHaveProperty('userAchievements');
  });
});

describe('relations', () => {
  // Runtime, from the schema itself: every foreign key needs its relation in
  // both directions (one() on the table that holds the FK, over exactly its
  // columns; many() on the table it points to), and no relation exists
  // without a foreign key behind it.
  it('declares a relation in both directions for every foreign key, and none without one', () => {
    const tables = Object.values(schema as Record<string, unknown>).filter((v): v is PgTable => is(v, PgTable));
    const fromForeignKeys = tables
      .flatMap((table) => getTableConfig(table).foreignKeys.map((fk) => fk.reference()))
      .flatMap(({ columns, foreignTable }) => {
        const from = getTableName(columns[0]!.table);
        const to = getTableName(foreignTable);
        return [`${from}(${columns.map((c) => c.name).join(', ')}) -> one ${to}`, `${to} -> many ${from}`];
      })
      .sort();
    expect(fromForeignKeys).toHaveLength(2 * 8);

    const { tables: relational } = extractTablesRelationalConfig(schema, createTableRelationsHelpers);
    const declared = Object.values(relational)
      .flatMap((table) =>
        Object.values(table.relations).map((relation) => {
          const to = getTableName(relation.referencedTable);
          if (is(relation, One) && relation.config)
            return `${table.dbName}(${relation.config.fields.map((c) => c.name).join(', ')}) -> one ${to}`;
          return `${table.dbName} -> ${is(relation, Many) ? 'many' : 'one (no fields)'} ${to}`;
        }),
      )
      .sort();
    expect(declared).toEqual(fromForeignKeys);
  });
});
