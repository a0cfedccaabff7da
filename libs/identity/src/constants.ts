// The identity limits live in @skatehubba/contracts (one source for the
// database, the API and the SDK); the table files keep importing them from here.
export {
  DISPLAY_NAME_MAX_LENGTH,
  EMAIL_MAX_LENGTH,
  EMAIL_PATTERN,
  EMAIL_PATTERN_JS,
  HANDLE_PATTERN,
  SESSION_DEFAULT_LIFETIME_DAYS,
  SESSION_MAX_LIFETIME_DAYS,
} from '@skatehubba/contracts';
