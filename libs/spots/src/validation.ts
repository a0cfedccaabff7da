import { createInsertSchema, createSelectSchema, createUpdateSchema } from 'drizzle-zod';
import type { z } from 'zod';
import { storableText, signedUrl, withLength } from '@skatehubba/schema-kit';
import { checkins } from './checkins';
import {
  CHECKIN_NOTE_MAX_LENGTH,
  LATITUDE_RANGE,
  LONGITUDE_RANGE,
  SPOT_DESCRIPTION_MAX_LENGTH,
  SPOT_NAME_MAX_LENGTH,
  TRICK_NAME_MAX_LENGTH,
} from './constants';
import { savedSpots } from './saved-spots';
import { spots } from './spots';

// z.number() already refuses NaN and +/-Infinity, as spots_latitude_ck does.
const latitude = (s: z.ZodNumber) => s.min(LATITUDE_RANGE[0]).max(LATITUDE_RANGE[1]); // spots_latitude_ck
const longitude = (s: z.ZodNumber) => s.min(LONGITUDE_RANGE[0]).max(LONGITUDE_RANGE[1]); // spots_longitude_ck

const spotRefinements = {
  name: (s: z.ZodString) => withLength(1, SPOT_NAME_MAX_LENGTH)(s).refine(storableText), // spots_name_ck
  description: (s: z.ZodString) => withLength(0, SPOT_DESCRIPTION_MAX_LENGTH)(s).refine(storableText), // spots_description_ck
  latitude,
  longitude,
  photo_url: signedUrl, // spots_photo_url_ck
};

// archived_at is written only by archiveSpot(); updated_at only by the trigger.
// .partial() on refined nullable keys: see userInsertSchema in @skatehubba/identity.
export const spotInsertSchema = createInsertSchema(spots, spotRefinements)
  .omit({ archived_at: true, updated_at: true })
  .partial({ description: true, photo_url: true });
export const spotUpdateSchema = createUpdateSchema(spots, spotRefinements)
  .omit({ id: true, created_at: true, updated_at: true, archived_at: true })
  .partial();
export const spotSelectSchema = createSelectSchema(spots);

export const savedSpotInsertSchema = createInsertSchema(savedSpots);
export const savedSpotSelectSchema = createSelectSchema(savedSpots);

const checkinRefinements = {
  trick: (s: z.ZodString) => withLength(1, TRICK_NAME_MAX_LENGTH)(s).refine(storableText), // checkins_trick_ck
  note: (s: z.ZodString) => withLength(0, CHECKIN_NOTE_MAX_LENGTH)(s).refine(storableText), // checkins_note_ck
  media_url: signedUrl, // checkins_media_url_ck
};
// The duplicate window (checkins_user_spot_window_uq) and "spot is active"
// (checkins_spot_active_trg) depend on other rows: only the database can judge them.
export const checkinInsertSchema = createInsertSchema(checkins, checkinRefinements)
  .omit({ archived_at: true, updated_at: true })
  .partial({ note: true, media_url: true });
export const checkinUpdateSchema = createUpdateSchema(checkins, checkinRefinements)
  .pick({ trick: true, trick_status: true, stance: true, note: true, media_url: true })
  .partial();
export const checkinSelectSchema = createSelectSchema(checkins);

// What a rider's request may carry is @skatehubba/contracts' `createSpotInput`,
// `updateSpotInput`, `saveSpotInput`, `checkInInput` and `updateCheckinInput`:
// strict, without server-owned fields, and held equal to the app role's grants
// by `inputs.int.test.ts` in the aggregator. The schemas here are row shapes,
// for tests and the seed.
