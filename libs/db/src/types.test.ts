import { createTableRelationsHelpers, extractTablesRelationalConfig, getTableName, is, Many, One } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { AchievementMetric, AchievementTier, Stance, TrickStatus } from '@skatehubba/enums';
import type { AuditLog } from '@skatehubba/audit';
import type { checkinInsertSchema, spotUpdateSchema } from '@skatehubba/spots';
import { type Checkin, type NewCheckin, type NewSpot, type SavedSpot, type Spot } from '@skatehubba/spots';
import type { LeaderboardEntryRow, SpotLeaderboardEntryRow } from '@skatehubba/spots';
import type { Notification, NotificationInbox } from '@skatehubba/notifications';
import type { userInsertSchema } from '@skatehubba/identity';
import { type NewSession, type NewUser, type RiderExport, type Session, type User } from '@skatehubba/identity';
import type { Achievement, NewUserAchievement, RiderMetric, UserAchievement } from '@skatehubba/gamification';
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
    // 0010-0013: the counters, the inbox and the leaderboards are the rider's too.
    // rider_metrics_metric_ck keeps 'manual' out of the table, and the export's type says so.
    expectTypeOf<Omit<RiderExport['metrics'][number], 'metric'>>().toEqualTypeOf<Json<Omit<RiderMetric, 'metric'>>>();
    expectTypeOf<RiderExport['metrics'][number]['metric']>().toEqualTypeOf<Exclude<AchievementMetric, 'manual'>>();
    expectTypeOf<Omit<RiderExport['notifications'][number], 'achievement'>>().toEqualTypeOf<Json<Notification>>();
    expectTypeOf<NonNullable<RiderExport['inbox']>>().toEqualTypeOf<Json<NotificationInbox>>();
    expectTypeOf<NonNullable<RiderExport['leaderboard']>>().toEqualTypeOf<Json<LeaderboardEntryRow>>();
    expectTypeOf<Omit<RiderExport['spot_leaderboards'][number], 'spot_name'>>().toEqualTypeOf<Json<SpotLeaderboardEntryRow>>();
  });

  it('the relational query API knows every relation', () => {
    type Query = SkateHubbaDb['query'];
    expectTypeOf<Query>().toHaveProperty('users');
    expectTypeOf<Query>().toHaveProperty('checkins');
    expectTypeOf<Query>().toHaveProperty('userAchievements');
    expectTypeOf<Query>().toHaveProperty('riderMetrics');
    expectTypeOf<Query>().toHaveProperty('notifications');
    expectTypeOf<Query>().toHaveProperty('notificationInboxes');
    expectTypeOf<Query>().toHaveProperty('leaderboardEntries');
    expectTypeOf<Query>().toHaveProperty('spotLeaderboardEntries');
  });
});

describe('relations', () => {
  // Runtime, from the schema itself: every foreign key needs its relation in
  // both directions (one() on the table that holds the FK, over exactly its
  // columns; many() on the table it points to, or one() without fields when
  // the FK's columns are the holding table's whole primary key, so that at
  // most one row points at each: notification_inboxes, leaderboard_entries),
  // and no relation exists without a foreign key behind it.
  it('declares a relation in both directions for every foreign key, and none without one', () => {
    const tables = Object.values(schema as Record<string, unknown>).filter((v): v is PgTable => is(v, PgTable));
    const primaryKeyOf = (table: PgTable) => {
      const config = getTableConfig(table);
      const columns = config.primaryKeys[0]?.columns ?? config.columns.filter((c) => c.primary);
      return columns
        .map((c) => c.name)
        .sort()
        .join(', ');
    };
    const fromForeignKeys = tables
      .flatMap((table) => getTableConfig(table).foreignKeys.map((fk) => ({ table, ...fk.reference() })))
      .flatMap(({ table, columns, foreignTable }) => {
        const from = getTableName(columns[0]!.table);
        const to = getTableName(foreignTable);
        const names = columns.map((c) => c.name);
        const oneToOne = [...names].sort().join(', ') === primaryKeyOf(table);
        return [`${from}(${names.join(', ')}) -> one ${to}`, `${to} -> ${oneToOne ? 'one (no fields)' : 'many'} ${from}`];
      })
      .sort();
    // 8 before 0010, and 8 since: rider_metrics, notification_inboxes and
    // leaderboard_entries to users; notifications to users, achievements and
    // checkins; spot_leaderboard_entries to spots and users.
    expect(fromForeignKeys).toHaveLength(2 * 16);
    expect(fromForeignKeys.filter((r) => r.includes('one (no fields)'))).toEqual([
      'users -> one (no fields) leaderboard_entries',
      'users -> one (no fields) notification_inboxes',
    ]);

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
