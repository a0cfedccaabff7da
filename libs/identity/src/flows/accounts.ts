import { eq, sql } from 'drizzle-orm';
import { signUpInput, updateProfileInput, type SignUpInput, type UpdateProfileInput } from '@skatehubba/contracts';
import { attempt, parseInput, refusal, rowsOf, runAs, type Db, type Result, type RiderCaller } from '@skatehubba/schema-kit';
import { IDENTITY_REFUSALS } from '../refusals';
import { users, type User } from '../users';
import { userWrites } from '../writes';

/** The public columns of a profile: what any role may read, and what RETURNING may name. */
const publicColumns = {
  id: users.id,
  handle: users.handle,
  display_name: users.display_name,
  stance: users.stance,
  avatar_url: users.avatar_url,
  created_at: users.created_at,
  updated_at: users.updated_at,
};

/**
 * A verified rider creates their profile. The id is the rider's verified id
 * (the session's or the JWT's subject, pinned by `users_sign_up_pol`), never
 * the body's. Returns the rider's own profile, email included.
 *
 * Refusals: `invalid_input`, `handle_taken`, `email_taken` (conflict),
 * `account_erased` (conflict: an erased id cannot sign up again), and the
 * CHECKs the input schema mirrors.
 */
export async function signUp(db: Db, caller: RiderCaller, input: SignUpInput): Promise<Result<User>> {
  const values = parseInput(signUpInput, input);
  if (!values.ok) return values;
  return attempt(IDENTITY_REFUSALS, async () => {
    const [rows] = await runAs(db, caller, (q) => [
      q
        .insert(userWrites)
        .values({ ...values.value, id: caller.rider })
        .returning(publicColumns),
    ]);
    return { ...rows[0]!, email: values.value.email };
  });
}

/**
 * A rider edits their own profile: handle, email, display name, stance,
 * avatar. Returns the profile after the change, email included (read back
 * through `current_rider_email()`: no role may select `users.email`).
 * `rider_not_found` (missing_reference) before sign-up.
 */
export async function updateProfile(db: Db, caller: RiderCaller, input: UpdateProfileInput): Promise<Result<User>> {
  const values = parseInput(updateProfileInput, input);
  if (!values.ok) return values;
  return attempt(IDENTITY_REFUSALS, async () => {
    const [rows, email] = await runAs(db, caller, (q) => [
      q.update(users).set(values.value).where(eq(users.id, caller.rider)).returning(publicColumns),
      q.execute(sql`SELECT current_rider_email() AS email`),
    ]);
    const row = rows[0];
    if (!row) return refusal('rider_not_found', 'missing_reference', 'this rider has no profile yet; sign up first');
    return { ...row, email: rowsOf<{ email: string }>(email)[0]!.email };
  });
}
