// The composed schema: what drizzle-kit reads (drizzle.config.ts) and what the
// relational query API is built from. Enums must be exported here or
// drizzle-kit leaves them out of the migration while columns still use them.
export { achievementMetricEnum, achievementTierEnum, notificationKindEnum, stanceEnum, trickStatusEnum } from '@skatehubba/enums/pg';
export { riderErasures, sessions, users } from '@skatehubba/identity';
export { checkins, leaderboardWindow, leaderboardEntries, savedSpots, spotLeaderboardEntries, spots } from '@skatehubba/spots';
export { achievements, riderMetrics, userAchievements } from '@skatehubba/gamification';
export { notificationInboxes, notifications } from '@skatehubba/notifications';
export { auditLogs } from '@skatehubba/audit';
export * from './relations';
