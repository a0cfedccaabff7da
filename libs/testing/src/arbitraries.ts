import fc from 'fast-check';

/**
 * Generators for the property tests: each mixes values a rule accepts, values
 * on its edges, and values it must refuse, so both verdicts are common.
 */

/** Strings that have broken naive validators: SQL-looking, quotes, NUL, control and combining characters. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  "'; DROP TABLE users; --",
  'Robert"); DELETE FROM spots; --',
  '\u0000',
  'kick\u0000flip',
  '\\x00',
  '\t\n',
  'e\u0301', // e + combining acute: 2 code points
  '🛹🛹',
  '\u202Eevil', // right-to-left override
  '%s%n',
] as const;

/** Any well-formed text up to `max + 3` code points, weighted towards the length edge at `max`. */
export function textAround(max: number, min = 0): fc.Arbitrary<string> {
  const exact = (n: number) => fc.string({ unit: 'grapheme-ascii', minLength: n, maxLength: n });
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: 0, maxLength: Math.min(max, 40) }) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 1, arbitrary: exact(max) },
    { weight: 1, arbitrary: exact(max + 1) },
    { weight: 1, arbitrary: exact(Math.max(0, min - 1)) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: max, maxLength: max + 3 }) },
  );
}

/** undefined (column left out), null, or a value. */
export const optional = <T>(value: fc.Arbitrary<T>) => fc.oneof(fc.constant(undefined), fc.constant(null), value);

const SIGNATURE = fc.stringMatching(/^[a-f0-9]{16,64}$/);

/** Media URLs: signed ones of each provider shape, and near misses of each rule. */
export const mediaUrl: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.stringMatching(/^[a-z0-9]{1,12}$/), SIGNATURE, fc.integer({ min: 1, max: 604_800 }))
    .map(([path, sig, exp]) => `https://media.skatehubba.test/${path}.jpg?X-Amz-Expires=${exp}&X-Amz-Signature=${sig}`),
  fc
    .tuple(SIGNATURE, fc.integer({ min: 1, max: 2_000_000_000 }))
    .map(([sig, exp]) => `https://cdn.skatehubba.test/clip.mp4?Expires=${exp}&Signature=${sig}`),
  fc.constantFrom(
    'https://media.skatehubba.test/a.jpg',
    'http://media.skatehubba.test/a.jpg?X-Amz-Expires=60&X-Amz-Signature=0123456789abcdef',
    'https://media.skatehubba.test/a.jpg?X-Amz-Expires=sixty&X-Amz-Signature=0123456789abcdef',
    'https://media.skatehubba.test/a.jpg?X-Amz-Expires=60&X-Amz-Signature=short',
    'https://media.skatehubba.test/a b.jpg?X-Amz-Expires=60&X-Amz-Signature=0123456789abcdef',
    `https://media.skatehubba.test/${'p'.repeat(2100)}?X-Amz-Expires=60&X-Amz-Signature=0123456789abcdef`,
    'javascript:alert(1)',
  ),
  fc.webUrl({ withQueryParameters: true }),
);

/** Enum labels, and strings that are almost labels. */
export const enumLabel = (labels: readonly string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...labels) },
    { weight: 1, arbitrary: fc.constantFrom('', 'LANDED', 'Regular', 'platinum', 'goofy ') },
  );

/** UUID-typed columns that must point at an existing row: one of those, or text that is not a UUID. */
export const reference = (ids: readonly string[]) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...ids) },
    { weight: 1, arbitrary: fc.constantFrom('not-a-uuid', '', '00000000-0000-4000-8000-00000000000g') },
  );
