import { z } from 'zod';
import { LATITUDE_RANGE, LONGITUDE_RANGE } from '../limits';
import { storableText, withLength } from '../text';

/**
 * Field builders the input schemas share. Each input schema is a strict
 * object: a key the client may not send (a server-owned column, a typo) is
 * refused with its name (`unrecognized_keys`), never silently dropped.
 */

/** A text column with a code-point length in [min, max] and nothing Postgres cannot store exactly. */
export const text = (min: number, max: number) =>
  withLength(min, max)(z.string()).refine(storableText, 'must not contain NUL or a lone surrogate');

/** A row id the database made: `gen_random_uuid()`, so RFC 9562 form. */
export const id = () => z.uuid();

/** An update names at least one field: an empty body changes nothing and is most likely a client bug. */
export const atLeastOneField = <T extends object>(value: T) => Object.values(value).some((v) => v !== undefined);
export const AT_LEAST_ONE_FIELD = 'send at least one field to change';

// z.number() already refuses NaN and +/-Infinity, as the CHECKs do (Postgres sorts NaN above every number).
export const latitude = z.number().min(LATITUDE_RANGE[0]).max(LATITUDE_RANGE[1]); // spots_latitude_ck
export const longitude = z.number().min(LONGITUDE_RANGE[0]).max(LONGITUDE_RANGE[1]); // spots_longitude_ck
