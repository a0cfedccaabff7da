import { relations } from 'drizzle-orm';
import { achievements, riderMetrics, userAchievements } from '@skatehubba/gamification';
import { sessions, users } from '@skatehubba/identity';
import { notificationInboxes, notifications } from '@skatehubba/notifications';
import { checkins, leaderboardEntries, savedSpots, spotLeaderboardEntries, spots } from '@skatehubba/spots';

// Every relation lives here, one per foreign key, so the domain libs only ever
// import downward (spots -> identity) and never form an import cycle.
// audit_logs has no FK (see its doc comment) and so no relation.

export const usersRelations = relations(users, ({ one, many }) => ({
  sessions: many(sessions),
  checkins: many(checkins),
  savedSpots: many(savedSpots),
  createdSpots: many(spots),
  achievements: many(userAchievements),
  metrics: many(riderMetrics),
  notifications: many(notifications),
  inbox: one(notificationInboxes),
  leaderboard: one(leaderboardEntries),
  spotLeaderboards: many(spotLeaderboardEntries),
}));

export const sessionsRelations = relations(sessions, ({ one }) => ({
  user: one(users, { fields: [sessions.user_id], references: [users.id] }),
}));

export const spotsRelations = relations(spots, ({ one, many }) => ({
  creator: one(users, { fields: [spots.created_by], references: [users.id] }),
  checkins: many(checkins),
  savedBy: many(savedSpots),
  leaderboard: many(spotLeaderboardEntries),
}));

export const savedSpotsRelations = relations(savedSpots, ({ one }) => ({
  user: one(users, { fields: [savedSpots.user_id], references: [users.id] }),
  spot: one(spots, { fields: [savedSpots.spot_id], references: [spots.id] }),
}));

export const checkinsRelations = relations(checkins, ({ one, many }) => ({
  user: one(users, { fields: [checkins.user_id], references: [users.id] }),
  spot: one(spots, { fields: [checkins.spot_id], references: [spots.id] }),
  notifications: many(notifications),
}));

export const achievementsRelations = relations(achievements, ({ many }) => ({
  holders: many(userAchievements),
  notifications: many(notifications),
}));

export const userAchievementsRelations = relations(userAchievements, ({ one }) => ({
  user: one(users, { fields: [userAchievements.user_id], references: [users.id] }),
  achievement: one(achievements, {
    fields: [userAchievements.achievement_id, userAchievements.goal],
    references: [achievements.id, achievements.goal],
  }),
}));

export const riderMetricsRelations = relations(riderMetrics, ({ one }) => ({
  user: one(users, { fields: [riderMetrics.user_id], references: [users.id] }),
}));

export const notificationsRelations = relations(notifications, ({ one }) => ({
  user: one(users, { fields: [notifications.user_id], references: [users.id] }),
  achievement: one(achievements, { fields: [notifications.achievement_id], references: [achievements.id] }),
  checkin: one(checkins, { fields: [notifications.checkin_id], references: [checkins.id] }),
}));

export const notificationInboxesRelations = relations(notificationInboxes, ({ one }) => ({
  user: one(users, { fields: [notificationInboxes.user_id], references: [users.id] }),
}));

export const leaderboardEntriesRelations = relations(leaderboardEntries, ({ one }) => ({
  user: one(users, { fields: [leaderboardEntries.user_id], references: [users.id] }),
}));

export const spotLeaderboardEntriesRelations = relations(spotLeaderboardEntries, ({ one }) => ({
  spot: one(spots, { fields: [spotLeaderboardEntries.spot_id], references: [spots.id] }),
  user: one(users, { fields: [spotLeaderboardEntries.user_id], references: [users.id] }),
}));
