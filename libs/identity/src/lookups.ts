import { sql } from 'drizzle-orm';
import { attempt, rowsOf, runAs, type Db, type Result, type RiderCaller } from '@skatehubba/schema-kit';
import { IDENTITY_REFUSALS } from './refusals';

/**
 * The signed-in rider's own email, or null before sign-up. No role may
 * SELECT `users.email`; `current_rider_email()` (SECURITY DEFINER) reads only
 * the current rider's row.
 */
export async function currentRiderEmail(db: Db, caller: RiderCaller): Promise<Result<string | null>> {
  return attempt(IDENTITY_REFUSALS, async () => {
    const [result] = await runAs(db, caller, (q) => [q.execute(sql`SELECT current_rider_email() AS email`)]);
    return rowsOf<{ email: string | null }>(result)[0]?.email ?? null;
  });
}
