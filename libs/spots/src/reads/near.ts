import { and, isNull, sql } from 'drizzle-orm';
import { spotsNearInput, type SpotsNearInput } from '@skatehubba/contracts';
import {
  attempt,
  cursorUuid,
  decodeCursor,
  encodeCursor,
  pageOf,
  parseInput,
  readAs,
  type Caller,
  type Db,
  type Page,
  type Result,
} from '@skatehubba/schema-kit';
import { z } from 'zod';
import { SPOTS_REFUSALS } from '../refusals';
import { spots } from '../spots';
import { boundingBox, EARTH_RADIUS_M } from './geometry';

export interface NearbySpot {
  id: string;
  name: string;
  latitude: number;
  longitude: number;
  /** Great-circle distance from the query point, metres (haversine on EARTH_RADIUS_M). */
  distance_m: number;
}

const CURSOR = 'spots-near';
const cursorShape = z.tuple([z.number().nonnegative(), cursorUuid]);

/**
 * Active spots within `radius_m` metres of a point, nearest first, with exact
 * great-circle distances, keyset pages on (distance, id). Public. Served by
 * `spots_active_location_idx` (latitude, longitude) WHERE archived_at IS
 * NULL: the bounding box is a latitude range scan with the longitude test
 * inside the index, and only the spots in the box get the haversine.
 *
 * Why a btree and not `cube`/`earthdistance` with GiST: on the large profile
 * the btree's p95 is below the GiST's (figures in `npm run bench`), and the
 * btree needs no extension, so PGlite, the server and Neon run the same
 * migration with nothing to install or load.
 */
export async function spotsNear(db: Db, caller: Caller, input: SpotsNearInput): Promise<Result<Page<NearbySpot>>> {
  const values = parseInput(spotsNearInput, input);
  if (!values.ok) return values;
  const { latitude, longitude, radius_m: radiusM, limit, cursor } = values.value;
  const after = cursor === undefined ? undefined : decodeCursor(CURSOR, cursor, cursorShape);
  if (after && !after.ok) return after;
  const box = boundingBox(latitude, longitude, radiusM);
  const lngFilter = sql.join(
    box.lngRanges.map(([lo, hi]) => sql`${spots.longitude} BETWEEN ${lo}::float8 AND ${hi}::float8`),
    sql` OR `,
  );
  const distance = sql<number>`2 * ${EARTH_RADIUS_M}::float8 * asin(least(1::float8, sqrt(
      power(sin(radians(${spots.latitude} - ${latitude}::float8) / 2), 2)
      + cos(radians(${latitude}::float8)) * cos(radians(${spots.latitude}))
        * power(sin(radians(${spots.longitude} - ${longitude}::float8) / 2), 2))))`;
  return attempt(SPOTS_REFUSALS, async () => {
    const [rows] = await readAs(db, caller, (q) => {
      const inBox = q
        .select({
          id: spots.id,
          name: spots.name,
          latitude: spots.latitude,
          longitude: spots.longitude,
          distance_m: distance.as('distance_m'),
        })
        .from(spots)
        .where(
          and(
            isNull(spots.archived_at),
            sql`${spots.latitude} BETWEEN ${box.latMin}::float8 AND ${box.latMax}::float8`,
            sql`(${lngFilter})`,
          ),
        )
        .as('in_box');
      return [
        q
          .select()
          .from(inBox)
          .where(
            and(
              sql`${inBox.distance_m} <= ${radiusM}::float8`,
              after ? sql`(${inBox.distance_m}, ${inBox.id}) > (${after.value[0]}::float8, ${after.value[1]}::uuid)` : undefined,
            ),
          )
          .orderBy(inBox.distance_m, inBox.id)
          .limit(limit + 1),
      ];
    });
    return pageOf(
      rows,
      limit,
      (r) => ({ ...r, distance_m: Number(r.distance_m) }),
      (r) => encodeCursor(CURSOR, [Number(r.distance_m), r.id]),
    );
  });
}
