import { LATITUDE_RANGE, LONGITUDE_RANGE } from '../constants';

/** Mean Earth radius (IUGG), metres: the sphere both the query and its test measure on. */
export const EARTH_RADIUS_M = 6_371_008.8;

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
