import type { AchievementMetric, AchievementTier } from '@skatehubba/enums';

/**
 * Real skate cities, with a weight for the size of their scene (share of
 * riders and spots) and a standard-time UTC offset used to give check-ins a
 * local daily rhythm. Coordinates are city centres; spots scatter around them.
 */
export interface City {
  name: string;
  latitude: number;
  longitude: number;
  /** km: one standard deviation of spot distance from the centre. */
  spreadKm: number;
  weight: number;
  utcOffsetHours: number;
}

export const CITIES: readonly City[] = [
  { name: 'Los Angeles', latitude: 34.0522, longitude: -118.2437, spreadKm: 18, weight: 14, utcOffsetHours: -8 },
  { name: 'Barcelona', latitude: 41.3851, longitude: 2.1734, spreadKm: 5, weight: 10, utcOffsetHours: 1 },
  { name: 'San Francisco', latitude: 37.7749, longitude: -122.4194, spreadKm: 6, weight: 8, utcOffsetHours: -8 },
  { name: 'New York', latitude: 40.7128, longitude: -74.006, spreadKm: 9, weight: 9, utcOffsetHours: -5 },
  { name: 'London', latitude: 51.5074, longitude: -0.1278, spreadKm: 10, weight: 7, utcOffsetHours: 0 },
  { name: 'Berlin', latitude: 52.52, longitude: 13.405, spreadKm: 8, weight: 5, utcOffsetHours: 1 },
  { name: 'Paris', latitude: 48.8566, longitude: 2.3522, spreadKm: 6, weight: 5, utcOffsetHours: 1 },
  { name: 'Copenhagen', latitude: 55.6761, longitude: 12.5683, spreadKm: 5, weight: 3, utcOffsetHours: 1 },
  { name: 'Malmö', latitude: 55.605, longitude: 13.0038, spreadKm: 4, weight: 2, utcOffsetHours: 1 },
  { name: 'Melbourne', latitude: -37.8136, longitude: 144.9631, spreadKm: 10, weight: 5, utcOffsetHours: 10 },
  { name: 'Tokyo', latitude: 35.6762, longitude: 139.6503, spreadKm: 12, weight: 6, utcOffsetHours: 9 },
  { name: 'São Paulo', latitude: -23.5505, longitude: -46.6333, spreadKm: 12, weight: 7, utcOffsetHours: -3 },
  { name: 'Vancouver', latitude: 49.2827, longitude: -123.1207, spreadKm: 7, weight: 3, utcOffsetHours: -8 },
  { name: 'Philadelphia', latitude: 39.9526, longitude: -75.1652, spreadKm: 6, weight: 3, utcOffsetHours: -5 },
  { name: 'Portland', latitude: 45.5152, longitude: -122.6784, spreadKm: 6, weight: 3, utcOffsetHours: -8 },
  { name: 'Lisbon', latitude: 38.7223, longitude: -9.1393, spreadKm: 5, weight: 3, utcOffsetHours: 0 },
  { name: 'Montreal', latitude: 45.5017, longitude: -73.5673, spreadKm: 6, weight: 2, utcOffsetHours: -5 },
  { name: 'Shanghai', latitude: 31.2304, longitude: 121.4737, spreadKm: 12, weight: 3, utcOffsetHours: 8 },
  { name: 'Mexico City', latitude: 19.4326, longitude: -99.1332, spreadKm: 10, weight: 3, utcOffsetHours: -6 },
  { name: 'Cape Town', latitude: -33.9249, longitude: 18.4241, spreadKm: 8, weight: 2, utcOffsetHours: 2 },
];

/** Kinds of spot, used to name them ("Venice Ledges", "MACBA Gap"). */
export const SPOT_KINDS = [
  'Ledges',
  'Stairs',
  'Gap',
  'Rail',
  'Bank',
  'Plaza',
  'Bowl',
  'Manual Pad',
  'Hubba',
  'Curb',
  'Skatepark',
  'DIY',
  'Ditch',
  'Pool',
  'Hip',
  'Wallride',
  'Kicker',
  'Pyramid',
  'Euro Gap',
  'Flatbar',
] as const;

/** Tricks riders log, weighted roughly by how often they are tried. */
export const TRICKS: readonly (readonly [string, number])[] = [
  ['ollie', 14],
  ['kickflip', 12],
  ['heelflip', 7],
  ['pop shove-it', 8],
  ['frontside 180', 7],
  ['backside 180', 7],
  ['fs boardslide', 5],
  ['bs boardslide', 5],
  ['50-50 grind', 6],
  ['5-0 grind', 4],
  ['manual', 6],
  ['nose manual', 4],
  ['tre flip', 4],
  ['varial kickflip', 4],
  ['hardflip', 2],
  ['inward heelflip', 2],
  ['frontside flip', 2],
  ['backside flip', 2],
  ['nollie', 3],
  ['nollie flip', 2],
  ['fakie flip', 2],
  ['switch ollie', 2],
  ['switch flip', 1],
  ['crooked grind', 3],
  ['smith grind', 3],
  ['feeble grind', 3],
  ['nosegrind', 2],
  ['tailslide', 3],
  ['noseslide', 3],
  ['lipslide', 2],
  ['boneless', 2],
  ['no comply', 2],
  ['wallride', 2],
  ['frontside air', 2],
  ['rock to fakie', 3],
  ['axle stall', 3],
  ['blunt to fakie', 1],
  ['laser flip', 1],
  ['impossible', 1],
  ['360 flip to manual', 1],
];

/** How check-ins go: most land, many bail, some are marked for another go. */
export const TRICK_STATUS_WEIGHTS = { landed: 56, bailed: 31, retry: 13 } as const;

/** Share of riders per stance (goofy is the minority but not by much). */
export const GOOFY_SHARE = 0.42;
/** Share of check-ins a rider does in their unnatural stance (switch). */
export const SWITCH_SHARE = 0.08;

/** Relative check-in volume per local hour, 0-23: quiet mornings, peak after school and work. */
export const HOUR_WEIGHTS = [1, 0.5, 0.2, 0.1, 0.1, 0.2, 0.5, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 13, 12, 10, 7, 5, 3, 2] as const;

export interface AchievementSpec {
  slug: string;
  name: string;
  description: string;
  tier: AchievementTier;
  goal: number;
  metric: AchievementMetric;
}

/**
 * The catalogue the seed installs. Each achievement states its metric; the
 * database counts progress from the check-ins as they load, the same way it
 * counts every check-in the API writes.
 */
export const ACHIEVEMENT_CATALOGUE: readonly AchievementSpec[] = [
  { slug: 'first-push', name: 'First Push', description: 'Check in anywhere.', tier: 'bronze', goal: 1, metric: 'checkins' },
  { slug: 'regular', name: 'Regular', description: 'Check in 25 times.', tier: 'silver', goal: 25, metric: 'checkins' },
  { slug: 'session-rat', name: 'Session Rat', description: 'Check in 100 times.', tier: 'gold', goal: 100, metric: 'checkins' },
  { slug: 'lifer', name: 'Lifer', description: 'Check in 500 times.', tier: 'legendary', goal: 500, metric: 'checkins' },
  { slug: 'first-land', name: 'First Land', description: 'Land a trick.', tier: 'bronze', goal: 1, metric: 'landed' },
  { slug: 'landed-25', name: 'Dialed', description: 'Land 25 tricks.', tier: 'silver', goal: 25, metric: 'landed' },
  { slug: 'landed-100', name: 'Bangers Only', description: 'Land 100 tricks.', tier: 'gold', goal: 100, metric: 'landed' },
  {
    slug: 'spot-hopper',
    name: 'Spot Hopper',
    description: 'Check in at 5 different spots.',
    tier: 'bronze',
    goal: 5,
    metric: 'distinct_spots',
  },
  {
    slug: 'explorer',
    name: 'Explorer',
    description: 'Check in at 20 different spots.',
    tier: 'silver',
    goal: 20,
    metric: 'distinct_spots',
  },
  {
    slug: 'globetrotter',
    name: 'Globetrotter',
    description: 'Check in at 60 different spots.',
    tier: 'legendary',
    goal: 60,
    metric: 'distinct_spots',
  },
];
