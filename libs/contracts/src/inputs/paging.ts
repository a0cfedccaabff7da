import { z } from 'zod';
import { CURSOR_MAX_LENGTH, NEAR_DEFAULT_RADIUS_M, NEAR_MAX_RADIUS_M, PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from '../limits';
import { latitude, longitude } from './fields';

/**
 * Which page of a list: every list the API returns is keyset-paged. `cursor`
 * is the previous page's `next_cursor`, opaque to the client (the server
 * encodes a position in it; a client never builds one). Query-string values
 * arrive as text: the API turns `limit` into a number before parsing.
 */
export const pageInput = z.strictObject({
  limit: z.int().min(1).max(PAGE_LIMIT_MAX).default(PAGE_LIMIT_DEFAULT),
  cursor: z.string().min(1).max(CURSOR_MAX_LENGTH).optional(),
});
export type PageInput = z.input<typeof pageInput>;
export type PageValues = z.output<typeof pageInput>;

/** Active spots within `radius_m` metres of a point, nearest first. */
export const spotsNearInput = pageInput.extend({
  latitude,
  longitude,
  radius_m: z.number().min(1).max(NEAR_MAX_RADIUS_M).default(NEAR_DEFAULT_RADIUS_M),
});
export type SpotsNearInput = z.input<typeof spotsNearInput>;
export type SpotsNearValues = z.output<typeof spotsNearInput>;

/** A page of a leaderboard: the last LEADERBOARD_DAYS (30) UTC days, the one window every leaderboard keeps. */
export const leaderboardInput = pageInput;
export type LeaderboardInput = z.input<typeof leaderboardInput>;
export type LeaderboardValues = z.output<typeof leaderboardInput>;
