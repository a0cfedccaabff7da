import { pgEnum } from 'drizzle-orm/pg-core';
import { ACHIEVEMENT_METRICS, ACHIEVEMENT_TIERS, NOTIFICATION_KINDS, STANCES, TRICK_STATUSES } from './values';

// Postgres enum types built from the shared tuples, so the labels and their
// order cannot drift from what the SDK sees. The aggregator re-exports these:
// drizzle-kit silently leaves out an enum that is not exported from the schema
// it reads, while columns still use it.
export const trickStatusEnum = pgEnum('trick_status', TRICK_STATUSES);
export const stanceEnum = pgEnum('stance', STANCES);
export const achievementTierEnum = pgEnum('achievement_tier', ACHIEVEMENT_TIERS);
export const achievementMetricEnum = pgEnum('achievement_metric', ACHIEVEMENT_METRICS);
export const notificationKindEnum = pgEnum('notification_kind', NOTIFICATION_KINDS);
