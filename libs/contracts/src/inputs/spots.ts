import { z } from 'zod';
import { stanceSchema, trickStatusSchema } from '@skatehubba/enums';
import { CHECKIN_NOTE_MAX_LENGTH, SPOT_DESCRIPTION_MAX_LENGTH, SPOT_NAME_MAX_LENGTH, TRICK_NAME_MAX_LENGTH } from '../limits';
import { signedUrlSchema } from '../text';
import { AT_LEAST_ONE_FIELD, atLeastOneField, id, latitude, longitude, text } from './fields';

const spotName = text(1, SPOT_NAME_MAX_LENGTH); // spots_name_ck
const spotDescription = text(0, SPOT_DESCRIPTION_MAX_LENGTH); // spots_description_ck
const photoUrl = signedUrlSchema; // spots_photo_url_ck

/** A new spot. `created_by` is the rider of the session (spots_create_own_pol pins it). */
export const createSpotInput = z.strictObject({
  name: spotName,
  description: spotDescription.optional(),
  latitude,
  longitude,
  photo_url: photoUrl.optional(),
});
export type CreateSpotInput = z.input<typeof createSpotInput>;
export type CreateSpotValues = z.output<typeof createSpotInput>;

/** An edit of one's own live spot: at least one field; `null` clears the description or the photo. */
export const updateSpotInput = z
  .strictObject({
    name: spotName.optional(),
    description: spotDescription.nullable().optional(),
    latitude: latitude.optional(),
    longitude: longitude.optional(),
    photo_url: photoUrl.nullable().optional(),
  })
  .refine(atLeastOneField, AT_LEAST_ONE_FIELD);
export type UpdateSpotInput = z.input<typeof updateSpotInput>;
export type UpdateSpotValues = z.output<typeof updateSpotInput>;

/** Bookmarking a spot for the rider of the session. */
export const saveSpotInput = z.strictObject({ spot_id: id() });
export type SaveSpotInput = z.input<typeof saveSpotInput>;
export type SaveSpotValues = z.output<typeof saveSpotInput>;

const trick = text(1, TRICK_NAME_MAX_LENGTH); // checkins_trick_ck
const note = text(0, CHECKIN_NOTE_MAX_LENGTH); // checkins_note_ck
const mediaUrl = signedUrlSchema; // checkins_media_url_ck

/**
 * A check-in by the rider of the session. No `created_at`: a check-in's time
 * is the database's clock, which the duplicate rule buckets on
 * (checkins_user_spot_window_uq), so a client cannot backdate one. Whether
 * the spot is live and the check-in not a duplicate depends on other rows:
 * only the database can judge those.
 */
export const checkInInput = z.strictObject({
  spot_id: id(),
  trick,
  trick_status: trickStatusSchema,
  stance: stanceSchema,
  note: note.optional(),
  media_url: mediaUrl.optional(),
});
export type CheckInInput = z.input<typeof checkInInput>;
export type CheckInValues = z.output<typeof checkInInput>;

/** An edit of one's own live check-in: never its rider, spot or time; `null` clears the note or the clip. */
export const updateCheckinInput = z
  .strictObject({
    trick: trick.optional(),
    trick_status: trickStatusSchema.optional(),
    stance: stanceSchema.optional(),
    note: note.nullable().optional(),
    media_url: mediaUrl.nullable().optional(),
  })
  .refine(atLeastOneField, AT_LEAST_ONE_FIELD);
export type UpdateCheckinInput = z.input<typeof updateCheckinInput>;
export type UpdateCheckinValues = z.output<typeof updateCheckinInput>;
