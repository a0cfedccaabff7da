// The achievement limits live in @skatehubba/contracts (one source for the
// database, the API and the SDK); the table files keep importing them from here.
export {
  ACHIEVEMENT_DESCRIPTION_MAX_LENGTH,
  ACHIEVEMENT_NAME_MAX_LENGTH,
  ACHIEVEMENT_SLUG_MAX_LENGTH,
  ACHIEVEMENT_SLUG_MIN_LENGTH,
  ACHIEVEMENT_SLUG_PATTERN,
  PROGRESS_STEP_MAX,
} from '@skatehubba/contracts';
