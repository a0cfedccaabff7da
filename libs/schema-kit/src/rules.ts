/**
 * Rules that are written twice, once as a Postgres CHECK (`checks.ts`) and
 * once as a zod refinement. Both sides are built from these constants, which
 * live in @skatehubba/contracts so the SDK reads the same ones; the
 * integration tests feed the same examples to both and require the same verdict.
 */
export {
  isSignedUrl,
  MEDIA_URL_MAX_LENGTH,
  SIGNED_URL_EXPIRY,
  SIGNED_URL_SHAPE,
  SIGNED_URL_SIGNATURE,
  TOKEN_HASH_PATTERN,
  URL_FORBIDDEN_CHARS,
} from '@skatehubba/contracts';
