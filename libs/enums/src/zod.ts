import { z } from 'zod';
import { ACHIEVEMENT_METRICS, ACHIEVEMENT_TIERS, NOTIFICATION_KINDS, STANCES, TRICK_STATUSES } from './values';

export const trickStatusSchema = z.enum(TRICK_STATUSES);
export const stanceSchema = z.enum(STANCES);
export const achievementTierSchema = z.enum(ACHIEVEMENT_TIERS);
export const achievementMetricSchema = z.enum(ACHIEVEMENT_METRICS);
export const notificationKindSchema = z.enum(NOTIFICATION_KINDS);
