import { createHash } from 'node:crypto';
import { Faker, en } from '@faker-js/faker';
import type { Stance, TrickStatus } from '@skatehubba/enums';
import { hashSessionToken } from '@skatehubba/identity/factories';
import { CHECKIN_DEDUPE_ORIGIN, CHECKIN_DEDUPE_WINDOW_MS, LATITUDE_RANGE, LONGITUDE_RANGE } from '@skatehubba/spots';
import type { SeedCounts } from './profiles';
import { apportion, Rng, WeightedPicker } from './random';
import {
  ACHIEVEMENT_CATALOGUE,
  CITIES,
  GOOFY_SHARE,
  HOUR_WEIGHTS,
  SPOT_KINDS,
  SWITCH_SHARE,
  TRICK_STATUS_WEIGHTS,
  TRICKS,
} from './vocabulary';

const DAY = 86_400_000;

/** Riders printed with a session token, so a local API can act as them at once. */
export const LOGIN_RIDERS = 3;
/** Login sessions start an hour before the anchor and last 30 days. */
const LOGIN_SESSION_AGE_MS = 3_600_000;

/**
 * A login rider's session token, derived from the seed and the rider's id: the
 * same seed prints the same token on every run and engine. Shaped like any
 * session token (32 bytes, base64url); like any, only its SHA-256 is stored.
 * A development convenience: a seed's tokens are public by construction.
 */
export function seedLoginToken(seed: number, userId: string): string {
  return createHash('sha256').update(`skatehubba-seed-login:${seed}:${userId}`).digest('base64url');
}

/**
 * The instant the seed's timeline ends: by default the start of the current
 * UTC day, so a local database always has recent activity, live sessions and
 * full 30-day leaderboards; `--anchor YYYY-MM-DD` pins it. Anchors are whole
 * UTC days, so two anchors shift every timestamp by the same whole number of
 * days and nothing else: ids and content depend on the seed only.
 */
export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}
const CHECKIN_SPAN_DAYS = 180;
const BUCKET_ORIGIN = Date.parse(CHECKIN_DEDUPE_ORIGIN.replace(' ', 'T').replace('+00', 'Z'));

/** Zipf exponent for spot popularity within a city: the top tenth of spots gets over half the check-ins. */
const SPOT_ZIPF = 1.25;
/** Share of check-ins a rider makes away from their home city. */
const TRAVEL_SHARE = 0.12;
/** Share of spots that have been archived (closed, skatestopped, demolished). */
const ARCHIVED_SPOT_SHARE = 0.01;

export type Row = readonly unknown[];

export interface TableSpec {
  table: string;
  /** [column, Postgres type for the unnest array cast]. */
  columns: readonly (readonly [string, string])[];
}

export const TABLE_SPECS = {
  users: {
    table: 'users',
    columns: [
      ['id', 'uuid'],
      ['handle', 'text'],
      ['email', 'text'],
      ['display_name', 'text'],
      ['stance', 'stance'],
      ['avatar_url', 'text'],
      ['created_at', 'timestamptz'],
    ],
  },
  spots: {
    table: 'spots',
    columns: [
      ['id', 'uuid'],
      ['name', 'text'],
      ['description', 'text'],
      ['latitude', 'float8'],
      ['longitude', 'float8'],
      ['photo_url', 'text'],
      ['created_by', 'uuid'],
      ['archived_at', 'timestamptz'],
      ['created_at', 'timestamptz'],
    ],
  },
  achievements: {
    table: 'achievements',
    columns: [
      ['id', 'uuid'],
      ['slug', 'text'],
      ['name', 'text'],
      ['description', 'text'],
      ['tier', 'achievement_tier'],
      ['metric', 'achievement_metric'],
      ['goal', 'int4'],
      ['created_at', 'timestamptz'],
    ],
  },
  sessions: {
    table: 'sessions',
    columns: [
      ['id', 'uuid'],
      ['user_id', 'uuid'],
      ['token_hash', 'text'],
      ['created_at', 'timestamptz'],
      ['expires_at', 'timestamptz'],
    ],
  },
  saved_spots: {
    table: 'saved_spots',
    columns: [
      ['user_id', 'uuid'],
      ['spot_id', 'uuid'],
      ['created_at', 'timestamptz'],
    ],
  },
  checkins: {
    table: 'checkins',
    columns: [
      ['id', 'uuid'],
      ['user_id', 'uuid'],
      ['spot_id', 'uuid'],
      ['trick', 'text'],
      ['trick_status', 'trick_status'],
      ['stance', 'stance'],
      ['note', 'text'],
      ['media_url', 'text'],
      ['archived_at', 'timestamptz'],
      ['created_at', 'timestamptz'],
    ],
  },
} as const satisfies Record<string, TableSpec>;

export type SeedTable = keyof typeof TABLE_SPECS;
/** Load order: parents before children. */
export const SEED_TABLES: readonly SeedTable[] = ['users', 'spots', 'achievements', 'sessions', 'saved_spots', 'checkins'];

const iso = (ms: number) => new Date(ms).toISOString();

const signedUrl = (rng: Rng, path: string) => `https://media.skatehubba.test/${path}?X-Amz-Expires=604800&X-Amz-Signature=${rng.hex(64)}`;

interface SeedUser {
  id: string;
  handle: string;
  email: string;
  stance: Stance;
  city: number;
  createdAt: number;
  checkins: number;
}

interface SeedSpot {
  id: string;
  city: number;
  archivedAt: number | null;
}

export interface SampleRider {
  id: string;
  handle: string;
  email: string;
  checkins: number;
  city: string;
}

/**
 * Builds every seed row for (seed, counts). Parent tables are materialised
 * (they are small even at the large profile); check-ins stream
 * per rider, in time order, so memory stays flat at 1M check-ins.
 */
export class SeedGenerator {
  readonly users: SeedUser[] = [];
  readonly spots: SeedSpot[] = [];
  readonly achievementIds: string[] = [];
  private readonly spotsByCity: number[][] = [];
  private readonly cityPickers: WeightedPicker[] = [];
  private readonly globalCity: WeightedPicker;

  /** See `startOfUtcDay()`: every timestamp is laid out relative to it. */
  readonly anchor: number;

  constructor(
    readonly seed: number,
    readonly counts: SeedCounts,
    anchor: number = startOfUtcDay(Date.now()),
  ) {
    if (anchor !== startOfUtcDay(anchor)) throw new RangeError(`seed anchor must be the start of a UTC day, got ${iso(anchor)}`);
    this.anchor = anchor;
    this.globalCity = new WeightedPicker(CITIES.map((c) => c.weight));
    this.planUsers();
    this.planSpots();
    const rng = new Rng(seed, 'achievements');
    for (let i = 0; i < ACHIEVEMENT_CATALOGUE.length; i++) this.achievementIds.push(rng.uuid());
  }

  /** Row count per table, known before generation (used for progress bars). */
  expectedRows(table: SeedTable): number | undefined {
    switch (table) {
      case 'users':
        return this.counts.users;
      case 'spots':
        return this.counts.spots;
      case 'achievements':
        return ACHIEVEMENT_CATALOGUE.length;
      case 'checkins':
        return this.counts.checkins;
      default:
        return undefined;
    }
  }

  private planUsers() {
    const { users: n, checkins } = this.counts;
    const rng = new Rng(this.seed, 'users');
    const faker = new Faker({ locale: [en], seed: this.seed });
    // Activity is heavy-tailed: a log-normal weight gives a few riders hundreds of check-ins and most a handful.
    const activity = Array.from({ length: n }, () => Math.exp(1.3 * rng.gauss()));
    const perUser = n > 0 ? apportion(checkins, activity) : [];
    for (let i = 0; i < n; i++) {
      const base = faker.internet
        .username()
        .toLowerCase()
        .replace(/[^a-z0-9_]+/g, '_')
        .replace(/^_+|_+$/g, '')
        .slice(0, 20);
      const handle = `${base || 'rider'}_${i.toString(36)}`;
      this.users.push({
        id: rng.uuid(),
        handle,
        email: `${handle}@example.${['com', 'net', 'org'][i % 3]}`,
        stance: rng.chance(GOOFY_SHARE) ? 'goofy' : 'regular',
        city: this.globalCity.pick(rng),
        createdAt: this.anchor - (CHECKIN_SPAN_DAYS + 1 + rng.int(700)) * DAY - rng.int(DAY),
        checkins: perUser[i] ?? 0,
      });
    }
  }

  private planSpots() {
    const rng = new Rng(this.seed, 'spots');
    const perCity = apportion(
      this.counts.spots,
      CITIES.map((c) => c.weight),
    );
    for (let c = 0; c < CITIES.length; c++) {
      const ids: number[] = [];
      for (let k = 0; k < perCity[c]!; k++) {
        ids.push(this.spots.length);
        this.spots.push({
          id: rng.uuid(),
          city: c,
          // Closed at the end of the timeline: after every check-in there, as the archive CHECKs require.
          archivedAt: rng.chance(ARCHIVED_SPOT_SHARE) ? this.anchor : null,
        });
      }
      this.spotsByCity.push(ids);
      // Rank order within a city is creation order: the oldest spots are the famous ones.
      this.cityPickers.push(new WeightedPicker(ids.length ? ids.map((_, r) => 1 / (r + 1) ** SPOT_ZIPF) : [1]));
    }
  }

  *userRows(): Generator<Row> {
    const rng = new Rng(this.seed, 'user-rows');
    const faker = new Faker({ locale: [en], seed: this.seed + 1 });
    for (const u of this.users) {
      const name = faker.person.fullName().slice(0, 50);
      const avatar = rng.chance(0.6) ? signedUrl(rng, `avatars/${u.id}.jpg`) : null;
      yield [u.id, u.handle, u.email, name, u.stance, avatar, iso(u.createdAt)];
    }
  }

  *spotRows(): Generator<Row> {
    const rng = new Rng(this.seed, 'spot-rows');
    const faker = new Faker({ locale: [en], seed: this.seed + 2 });
    for (const s of this.spots) {
      const city = CITIES[s.city]!;
      const lat = city.latitude + (rng.gauss() * city.spreadKm) / 111;
      const lon = city.longitude + (rng.gauss() * city.spreadKm) / (111 * Math.cos((city.latitude * Math.PI) / 180));
      const latitude = Math.min(LATITUDE_RANGE[1], Math.max(LATITUDE_RANGE[0], Number(lat.toFixed(6))));
      const longitude = Math.min(LONGITUDE_RANGE[1], Math.max(LONGITUDE_RANGE[0], Number(lon.toFixed(6))));
      const kind = SPOT_KINDS[rng.int(SPOT_KINDS.length)]!;
      const name = `${faker.location.street()} ${kind}`.slice(0, 120);
      const description = rng.chance(0.5) ? `${kind} in ${city.name}. ${faker.lorem.sentence()}`.slice(0, 2000) : null;
      const photo = rng.chance(0.7) ? signedUrl(rng, `spots/${s.id}.jpg`) : null;
      const creator = this.users.length && rng.chance(0.8) ? this.users[rng.int(this.users.length)]!.id : null;
      const createdAt = this.anchor - (CHECKIN_SPAN_DAYS + 1 + rng.int(900)) * DAY - rng.int(DAY);
      yield [
        s.id,
        name,
        description,
        latitude,
        longitude,
        photo,
        creator,
        // Every spot goes in active; the closed ones close after their check-ins (closedSpots()).
        null,
        iso(createdAt),
      ];
    }
  }

  *achievementRows(): Generator<Row> {
    const createdAt = iso(this.anchor - 1000 * DAY);
    for (const [i, a] of ACHIEVEMENT_CATALOGUE.entries()) {
      yield [this.achievementIds[i], a.slug, a.name, a.description, a.tier, a.metric, a.goal, createdAt];
    }
  }

  /**
   * A live session for a share of riders, and always one for each login
   * rider (`sampleRiders()`), whose token the seed prints: derived from the
   * seed, stored only as its hash.
   */
  *sessionRows(): Generator<Row> {
    const rng = new Rng(this.seed, 'sessions');
    const logins = new Set(this.sampleRiders(LOGIN_RIDERS).map((r) => r.id));
    for (const u of this.users) {
      const login = logins.has(u.id);
      if (!rng.chance(this.counts.sessionShare) && !login) continue;
      const createdAt = login ? this.anchor - LOGIN_SESSION_AGE_MS : this.anchor - rng.int(7 * DAY);
      const token = login ? seedLoginToken(this.seed, u.id) : rng.hex(64);
      yield [rng.uuid(), u.id, hashSessionToken(token), iso(createdAt), iso(createdAt + 30 * DAY)];
    }
  }

  *savedSpotRows(): Generator<Row> {
    const rng = new Rng(this.seed, 'saved-spots');
    if (!this.spots.length) return;
    for (const u of this.users) {
      const wanted = rng.int(2 * this.counts.savedPerUser + 1);
      const seen = new Set<number>();
      for (let k = 0; k < wanted * 3 && seen.size < wanted; k++) {
        const spot = this.pickSpot(rng, u.city);
        if (seen.has(spot) || this.spots[spot]!.archivedAt !== null) continue;
        seen.add(spot);
        yield [u.id, this.spots[spot]!.id, iso(this.anchor - rng.int(CHECKIN_SPAN_DAYS * DAY))];
      }
    }
  }

  private pickSpot(rng: Rng, homeCity: number): number {
    let city = homeCity;
    if (!this.spotsByCity[city]!.length || rng.chance(TRAVEL_SHARE)) {
      do city = this.globalCity.pick(rng);
      while (!this.spotsByCity[city]!.length);
    }
    return this.spotsByCity[city]![this.cityPickers[city]!.pick(rng)]!;
  }

  /**
   * Check-ins, one rider at a time in time order, all live: the spots that
   * close do so after every check-in (`closedSpots()`). Achievement progress
   * is not generated: the database counts it from these rows as they load,
   * with the definitions in the catalogue, as it does for every check-in.
   */
  *checkinRows(): Generator<Row> {
    const rng = new Rng(this.seed, 'checkins');
    const tricks = new WeightedPicker(TRICKS.map(([, w]) => w));
    const statuses = Object.keys(TRICK_STATUS_WEIGHTS) as TrickStatus[];
    const statusPicker = new WeightedPicker(Object.values(TRICK_STATUS_WEIGHTS));
    const hourPicker = new WeightedPicker(HOUR_WEIGHTS);
    const notes = [
      'first try',
      'security kicked us out',
      'so much wax',
      'rained out',
      'filmed it',
      'new board',
      'crusty but fun',
      'line of the day',
    ];
    if (!this.spots.length) return;

    for (const u of this.users) {
      if (u.checkins === 0) continue;
      const offset = CITIES[u.city]!.utcOffsetHours;
      const planned: { at: number; spot: number }[] = [];
      const taken = new Set<number>();
      for (let k = 0; k < u.checkins; k++) {
        const spot = this.pickSpot(rng, u.city);
        const day = this.anchor - (1 + rng.int(CHECKIN_SPAN_DAYS)) * DAY;
        const localHour = hourPicker.pick(rng);
        let at = day + (localHour - offset) * 3_600_000 + rng.int(3_600_000);
        at = Math.max(at, u.createdAt + 60_000);
        // One check-in per rider, spot and dedupe bucket: move a collision to the
        // next bucket. Nothing may fall on or after the anchor (an evening west of
        // UTC on the last day would): such a check-in moves back one day, and a
        // day whose 144 buckets at this spot are all taken moves back another.
        const dayBuckets = DAY / CHECKIN_DEDUPE_WINDOW_MS;
        if (at >= this.anchor) at -= DAY;
        let bucket = Math.floor((at - BUCKET_ORIGIN) / CHECKIN_DEDUPE_WINDOW_MS);
        for (let step = 1; taken.has(bucket * this.spots.length + spot); step++) {
          at += CHECKIN_DEDUPE_WINDOW_MS;
          if (at >= this.anchor) at -= DAY;
          if (step % dayBuckets === 0) at -= DAY;
          bucket = Math.floor((at - BUCKET_ORIGIN) / CHECKIN_DEDUPE_WINDOW_MS);
        }
        taken.add(bucket * this.spots.length + spot);
        planned.push({ at, spot });
      }
      planned.sort((a, b) => a.at - b.at);

      for (const { at, spot } of planned) {
        const s = this.spots[spot]!;
        const status = statuses[statusPicker.pick(rng)]!;
        const stance: Stance = rng.chance(SWITCH_SHARE) ? (u.stance === 'goofy' ? 'regular' : 'goofy') : u.stance;
        const note = rng.chance(0.1) ? notes[rng.int(notes.length)]! : null;
        const id = rng.uuid();
        const media = rng.chance(0.15) ? signedUrl(rng, `checkins/${id}.mp4`) : null;
        yield [id, u.id, s.id, TRICKS[tricks.pick(rng)]![0], status, stance, note, media, null, iso(at)];
      }
    }
  }

  /** The spots that close at the anchor, after their check-ins: their ids and the instant. */
  closedSpots(): { ids: string[]; at: string } {
    return { ids: this.spots.filter((s) => s.archivedAt !== null).map((s) => s.id), at: iso(this.anchor) };
  }

  rows(table: SeedTable): Iterable<Row> {
    switch (table) {
      case 'users':
        return this.userRows();
      case 'spots':
        return this.spotRows();
      case 'achievements':
        return this.achievementRows();
      case 'sessions':
        return this.sessionRows();
      case 'saved_spots':
        return this.savedSpotRows();
      case 'checkins':
        return this.checkinRows();
    }
  }

  /**
   * The most active riders: the ones the seed prints as logins. Ties go by
   * handle in code-point order, as `ORDER BY handle COLLATE "C"` sorts them.
   */
  sampleRiders(n = LOGIN_RIDERS): SampleRider[] {
    return [...this.users]
      .sort((a, b) => b.checkins - a.checkins || (a.handle < b.handle ? -1 : a.handle > b.handle ? 1 : 0))
      .slice(0, n)
      .map((u) => ({ id: u.id, handle: u.handle, email: u.email, checkins: u.checkins, city: CITIES[u.city]!.name }));
  }
}
