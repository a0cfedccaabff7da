import { z } from 'zod';
import { ACHIEVEMENT_TIERS, STANCES, TRICK_STATUSES } from './values';

export const trickStatusSchema = z.enum(TRICK_STATUSES);
export const stanceSchema = z.enum(STANCES);
export const achievementTierSchema = z.enum(ACHIEVEMENT_TIERS);
