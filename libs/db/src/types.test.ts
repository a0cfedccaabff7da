import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { AchievementTier, Stance, TrickStatus } from '@skatehubba/enums';
import type { AuditLog } from '@skatehubba/audit';
import type { checkinInsertSchema, spotUpdateSchema} from '@skatehubba/spots';
import { type Checkin, type NewCheckin, type NewSpot, type Spot } from '@skatehubba/spots';
import type { userInsertSchema} from '@skatehubba/identity';
import { type NewSession, type NewUser, type Session, type User } from '@skatehubba/identity';
import type { Achievement, NewUserAchievement, UserAchievement } from '@skatehubba/gamification';
import type { SkateHubbaDb } from './client';

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

  it('the relational query API knows every relation', () => {
    type Query = SkateHubbaDb['query'];
    expectTypeOf<Query>().toHaveProperty('users');
    expectTypeOf<Query>().toHaveProperty('checkins');
    expectTypeOf<Query>().toHaveProperty('userAchievements');
  });
});
