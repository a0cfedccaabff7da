/**
 * Rules that are written twice, once as a Postgres CHECK and once as a zod
 * refinement. Both sides are built from the constants below; the integration
 * tests feed the same examples to both and require the same verdict.
 */

/** Longest URL we store. Signed URLs from object stores run 300-1,200 characters. */
export const MEDIA_URL_MAX_LENGTH = 2048;

/**
 * A signed media URL: https, a host, a path, and a query string that carries
 * both a signature parameter and a numeric expiry parameter. Covers S3/R2
 * presigned URLs (`X-Amz-Signature`, `X-Amz-Expires`), GCS V4
 * (`X-Goog-Signature`, `X-Goog-Expires`) and CloudFront/CDN style
 * (`Signature`, `Expires`). Matched case-insensitively. Whitespace and control
 * characters are refused anywhere in the URL.
 *
 * The patterns use only syntax that Postgres ARE and JS RegExp read alike.
 */
export const SIGNED_URL_SHAPE = '^https://[a-z0-9.-]+(:[0-9]+)?/[^?#]*[?][^#]*$';
export const SIGNED_URL_SIGNATURE = '[?&](x-amz-signature|x-goog-signature|signature)=[a-z0-9_%~.-]{16,}(&|#|$)';
export const SIGNED_URL_EXPIRY = '[?&](x-amz-expires|x-goog-expires|expires)=[0-9]{1,12}(&|#|$)';
/** Any whitespace or control character (U+0000-U+0020, U+007F). */
export const URL_FORBIDDEN_CHARS = '[\\x01-\\x20\\x7f]';

/** A SHA-256 digest as 64 lowercase hex characters: the only form a session token is stored in. */
export const TOKEN_HASH_PATTERN = '^[0-9a-f]{64}$';

export function isSignedUrl(value: string): boolean {
  return (
    value.length <= MEDIA_URL_MAX_LENGTH &&
    !new RegExp(URL_FORBIDDEN_CHARS).test(value) &&
    new RegExp(SIGNED_URL_SHAPE, 'i').test(value) &&
    new RegExp(SIGNED_URL_SIGNATURE, 'i').test(value) &&
    new RegExp(SIGNED_URL_EXPIRY, 'i').test(value)
  );
}
