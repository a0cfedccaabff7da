import { and, desc, eq, gte, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { checkins, type Checkin } from './checkins';
import { LATITUDE_RANGE, LONGITUDE_RANGE } from './constants';
import { savedSpots } from './saved-spots';
import { spots, type Spot } from './spots';

// The spots team's hot read paths. Each names the index that serves it; the
// plan-shape test (apps/seed/src/plans.int.test.ts) holds them to it on a
// seeded, analyzed server, and `npm run bench` measures them.

type Db = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

/**
 * Where the next page starts: the last row's `created_at` as Postgres prints
 * it (microseconds; a JS Date keeps only milliseconds and would skip rows
 * created within the same millisecond) and its id, the tie-breaker.
 */
export interface CheckinCursor {
  createdAt: string;
  id: string;
}

export interface CheckinPage {
  rows: Checkin[];
  /** null on the last page. */
  next: CheckinCursor | null;
}

const MAX_PAGE = 100;

async function checkinPage(db: Db, scope: SQL, limit: number, after: CheckinCursor | undefined): Promise<CheckinPage> {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new RangeError(`limit must be 1-${MAX_PAGE}, got ${limit}`);
  const rows = await db
    .select({ row: checkins, cursor: sql<string>`${checkins.created_at}::text` })
    .from(checkins)
    .where(
      and(
        scope,
        isNull(checkins.archived_at),
        after ? sql`(${checkins.created_at}, ${checkins.id}) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : undefined,
      ),
    )
    // NULLS LAST to match the index exactly: drizzle's .desc() index columns are
    // DESC NULLS LAST, and a plain DESC (NULLS FIRST) order makes Postgres sort
    // every check-in of the spot instead of reading 21 index entries (6.5 ms
    // against 0.25 ms for a spot with 4,242 check-ins).
    .orderBy(sql`${checkins.created_at} DESC NULLS LAST`, sql`${checkins.id} DESC NULLS LAST`)
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page.map((r) => r.row),
    next: rows.length > limit && last ? { createdAt: last.cursor, id: last.row.id } : null,
  };
}

/**
 * The latest live check-ins at a spot, newest first, keyset-paginated (pass
 * the previous page's `next` as `after`; no OFFSET, so page 1,000 costs what
 * page 1 costs). Served by `checkins_spot_id_created_at_idx`
 * (spot_id, created_at DESC, id DESC).
 */
export function spotFeed(db: Db, spotId: string, { limit = 20, after }: { limit?: number; after?: CheckinCursor } = {}) {
  return checkinPage(db, eq(checkins.spot_id, spotId), limit, after);
}

/**
 * A rider's live check-ins, newest first, keyset-paginated as `spotFeed`.
 * Served by `checkins_user_id_created_at_idx` (user_id, created_at DESC, id DESC).
 * For a first page of a rider the statistics say has few check-ins, the
 * planner may instead read `checkins_user_spot_window_uq` (user_id leads it
 * too, and it holds live rows only) and sort the handful it finds.
 */
export function riderHistory(db: Db, userId: string, { limit = 20, after }: { limit?: number; after?: CheckinCursor } = {}) {
  return checkinPage(db, eq(checkins.user_id, userId), limit, after);
}

/** Mean Earth radius (IUGG), metres: the sphere both the query and its test measure on. */
export const EARTH_RADIUS_M = 6_371_008.8;
/** Longest radius a client may ask for; beyond it the bounding box stops pruning much. */
export const NEAR_MAX_RADIUS_M = 50_000;

export interface NearbySpot {
  id: string;
  name: string;
  latitude: number;
  longitude: number;
  /** Great-circle distance from the query point, metres (haversine on EARTH_RADIUS_M). */
  distanceM: number;
}

/** Great-circle distance in metres, the same haversine the query computes. */
export function greatCircleMeters(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * The latitude range and longitude ranges that contain every point within
 * `radiusM` of (lat, lng): the pre-filter the index can serve. Longitude
 * splits in two across the antimeridian and opens to all of it near a pole.
 */
export function boundingBox(lat: number, lng: number, radiusM: number) {
  const angular = radiusM / EARTH_RADIUS_M;
  const dLat = (angular * 180) / Math.PI;
  const latMin = lat - dLat;
  const latMax = lat + dLat;
  if (latMin <= LATITUDE_RANGE[0] || latMax >= LATITUDE_RANGE[1]) {
    return { latMin: Math.max(latMin, -90), latMax: Math.min(latMax, 90), lngRanges: [[-180, 180]] as [number, number][] };
  }
  const dLng = (Math.asin(Math.sin(angular) / Math.cos((lat * Math.PI) / 180)) * 180) / Math.PI;
  const lo = lng - dLng;
  const hi = lng + dLng;
  const [min, max] = LONGITUDE_RANGE;
  const lngRanges: [number, number][] =
    lo < min
      ? [
          [lo + 360, max],
          [min, hi],
        ]
      : hi > max
        ? [
            [lo, max],
            [min, hi - 360],
          ]
        : [[lo, hi]];
  return { latMin, latMax, lngRanges };
}

/**
 * Active spots within `radiusM` metres of a point, nearest first, with exact
 * great-circle distances. Served by `spots_active_location_idx`
 * (latitude, longitude) WHERE archived_at IS NULL: the bounding box is a
 * latitude range scan with the longitude test inside the index, and only the
 * spots in the box get the haversine.
 *
 * Why a btree and not `cube`/`earthdistance` with GiST: on the medium profile
 * both answer in well under a millisecond (figures in `npm run bench`), and
 * the btree needs no extension, so PGlite, the server and Neon run the same
 * migration with nothing to install or load.
 */
export async function spotsNear(
  db: Db,
  { latitude, longitude, radiusM, limit = 50 }: { latitude: number; longitude: number; radiusM: number; limit?: number },
): Promise<NearbySpot[]> {
  if (!(latitude >= -90 && latitude <= 90 && longitude >= -180 && longitude <= 180)) {
    throw new RangeError(`point out of range: ${latitude}, ${longitude}`);
  }
  if (!(radiusM > 0 && radiusM <= NEAR_MAX_RADIUS_M)) throw new RangeError(`radius must be in (0, ${NEAR_MAX_RADIUS_M}] m, got ${radiusM}`);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new RangeError(`limit must be 1-500, got ${limit}`);
  const box = boundingBox(latitude, longitude, radiusM);
  const lngFilter = sql.join(
    box.lngRanges.map(([lo, hi]) => sql`${spots.longitude} BETWEEN ${lo}::float8 AND ${hi}::float8`),
    sql` OR `,
  );
  const distance = sql<number>`2 * ${EARTH_RADIUS_M}::float8 * asin(least(1::float8, sqrt(
      power(sin(radians(${spots.latitude} - ${latitude}::float8) / 2), 2)
      + cos(radians(${latitude}::float8)) * cos(radians(${spots.latitude}))
        * power(sin(radians(${spots.longitude} - ${longitude}::float8) / 2), 2))))`;
  const inBox = db
    .select({ id: spots.id, name: spots.name, latitude: spots.latitude, longitude: spots.longitude, distanceM: distance.as('distance_m') })
    .from(spots)
    .where(
      and(isNull(spots.archived_at), sql`${spots.latitude} BETWEEN ${box.latMin}::float8 AND ${box.latMax}::float8`, sql`(${lngFilter})`),
    )
    .as('in_box');
  return db
    .select()
    .from(inBox)
    .where(sql`${inBox.distanceM} <= ${radiusM}::float8`)
    .orderBy(inBox.distanceM, inBox.id)
    .limit(limit);
}

/** A rider's saved spots that are still active, most recently saved first. Served by `saved_spots_pk` (user_id, spot_id) and `spots_pk`. */
export function savedSpotsOf(db: Db, userId: string): Promise<(Spot & { savedAt: Date })[]> {
  return db
    .select({
      id: spots.id,
      name: spots.name,
      description: spots.description,
      latitude: spots.latitude,
      longitude: spots.longitude,
      photo_url: spots.photo_url,
      created_by: spots.created_by,
      archived_at: spots.archived_at,
      created_at: spots.created_at,
      updated_at: spots.updated_at,
      savedAt: savedSpots.created_at,
    })
    .from(savedSpots)
    .innerJoin(spots, eq(spots.id, savedSpots.spot_id))
    .where(and(eq(savedSpots.user_id, userId), isNull(spots.archived_at)))
    .orderBy(desc(savedSpots.created_at), savedSpots.spot_id);
}

export interface LeaderboardEntry {
  userId: string;
  landed: number;
}

/** The window a leaderboard counts: `days` (default 30) up to `asOf` (default now). */
export interface LeaderboardWindow {
  asOf?: Date;
  days?: number;
  limit?: number;
}

function windowStart({ asOf = new Date(), days = 30 }: LeaderboardWindow) {
  if (!(days > 0 && days <= 366)) throw new RangeError(`days must be in (0, 366], got ${days}`);
  return { since: new Date(asOf.getTime() - days * 86_400_000), until: asOf };
}

const landedCount = sql<number>`count(*)::int`;

/** Riders ranked by landed live check-ins in the window, optionally within one spot. */
function topLanded(db: Db, window: LeaderboardWindow, spotId?: string): Promise<LeaderboardEntry[]> {
  const { since, until } = windowStart(window);
  return db
    .select({ userId: checkins.user_id, landed: landedCount })
    .from(checkins)
    .where(
      and(
        spotId ? eq(checkins.spot_id, spotId) : undefined,
        gte(checkins.created_at, since),
        lte(checkins.created_at, until),
        // A literal, not a bound parameter: the planner must see it to match
        // the predicate of checkins_landed_created_at_idx.
        sql`${checkins.trick_status} = 'landed'`,
        isNull(checkins.archived_at),
      ),
    )
    .groupBy(checkins.user_id)
    .orderBy(desc(landedCount), checkins.user_id)
    .limit(window.limit ?? 10);
}

/**
 * Top riders by landed live check-ins at one spot in the window. Served by
 * `checkins_spot_id_created_at_idx` (a range on created_at within the spot).
 */
export function spotLeaderboard(db: Db, spotId: string, window: LeaderboardWindow = {}): Promise<LeaderboardEntry[]> {
  return topLanded(db, window, spotId);
}

/**
 * Top riders by landed live check-ins across all spots in the window. Served
 * by `checkins_landed_created_at_idx` (created_at, user_id) WHERE landed and
 * live: an index-only range scan, one entry per landed check-in in the window.
 */
export function leaderboard(db: Db, window: LeaderboardWindow = {}): Promise<LeaderboardEntry[]> {
  return topLanded(db, window);
}
