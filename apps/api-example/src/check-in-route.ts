import { checkIn, httpStatusOf, sessionByToken, type CheckInInput, type SkateHubbaDb } from '@skatehubba/db';

/** What an HTTP framework needs back: a status and a JSON body. */
export interface Reply {
  status: number;
  body: unknown;
}

/**
 * POST /spots/:spotId/check-ins, framework aside. The token authenticates the
 * rider; the body is the client's JSON as it came. Every refusal, from the
 * input schema or the database, is a DataRuleError with a kind the status
 * follows from, and nothing was written.
 */
export async function postCheckIn(db: SkateHubbaDb, bearer: string | undefined, spotId: string, body: unknown): Promise<Reply> {
  const session = bearer ? await sessionByToken(db, bearer) : undefined;
  if (!session?.ok || !session.value) return { status: 401, body: { rule: 'not_signed_in' } };

  // checkIn() parses the body with checkInInput itself: an unchecked body is safe to pass.
  const input = { ...(body as object), spot_id: spotId } as CheckInInput;
  const result = await checkIn(db, { rider: session.value.user_id }, input);
  if (!result.ok) return { status: httpStatusOf(result.error.kind), body: result.error };
  return { status: 201, body: result.value };
}
