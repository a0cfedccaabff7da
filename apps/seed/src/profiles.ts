/** Row counts per profile. Override any with --users N, --spots N, --checkins N. */
export interface SeedCounts {
  users: number;
  spots: number;
  checkins: number;
  /** Mean bookmarks per rider (each rider saves 0..2x this many spots). */
  savedPerUser: number;
  /** Share of riders with one live session. */
  sessionShare: number;
}

export const PROFILES = {
  /** A few seconds: enough to click through the app. */
  small: { users: 200, spots: 80, checkins: 4_000, savedPerUser: 3, sessionShare: 0.1 },
  /** Tens of seconds: realistic pagination and leaderboards. */
  medium: { users: 10_000, spots: 2_500, checkins: 100_000, savedPerUser: 3, sessionShare: 0.05 },
  /** A big city scene: plan sizing, benchmark queries and indexes. */
  large: { users: 100_000, spots: 20_000, checkins: 1_000_000, savedPerUser: 3, sessionShare: 0.02 },
} as const satisfies Record<string, SeedCounts>;

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];
