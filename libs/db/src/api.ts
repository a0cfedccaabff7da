/**
 * Everything an API handler calls, from one import path: the write
 * functions and lists of every domain lib, the request helpers they share,
 * the refusal vocabulary, and the input schemas. Each function takes the
 * database (`createDb().db`, any driver, or a transaction), the caller
 * (`{ rider }`, `{ staff }` or `'anonymous'`) and its input, and returns a
 * `Result`: the value, or the `DataRuleError` that refused it with nothing
 * changed.
 */

// The request: who calls, what comes back.
// DataRuleError itself comes from ./errors (one export: a bundle keeps two re-exports of it apart).
export { unwrap, type Caller, type Page, type Result, type RiderCaller, type StaffCaller } from '@skatehubba/schema-kit';
export * from '@skatehubba/contracts';

// identity
export {
  currentRiderEmail,
  eraseRider,
  exportRider,
  revokeAllSessions,
  revokeSession,
  sessionByToken,
  signUp,
  startSession,
  updateProfile,
  type LiveSession,
  type RiderErasureResult,
  type RiderExport,
  type RiderSession,
} from '@skatehubba/identity';

// spots
export {
  archiveSpot,
  checkIn,
  createSpot,
  deleteCheckin,
  leaderboard,
  riderHistory,
  saveSpot,
  savedSpotsOf,
  spotFeed,
  spotLeaderboard,
  spotsNear,
  unsaveSpot,
  updateCheckin,
  updateSpot,
  type ArchiveSpotResult,
  type CheckInResult,
  type CheckinUnlock,
  type LeaderboardEntry,
  type NearbySpot,
  type SavedSpotItem,
} from '@skatehubba/spots';

// gamification
export { achievementsOf, recomputeProgress, recordProgress, type MetricRecount, type RiderAchievement } from '@skatehubba/gamification';

// notifications
export { markAllNotificationsRead, markNotificationsRead, notificationsOf, unreadCount, type InboxItem } from '@skatehubba/notifications';

// the audit trail, for support tools
export { auditTrailFor, auditTrailByActor, withActor } from '@skatehubba/audit';
