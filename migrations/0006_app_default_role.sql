-- A connection of the API's login with no rider set is an anonymous request:
-- it starts as `anonymous`, so public reads (feeds, leaderboards, spots near
-- me) need no transaction to switch the role in, and a forgotten asRider()
-- reads only what anonymous may instead of nothing or everything. asRider()
-- still switches to `authenticated` per transaction (SET ROLE is checked
-- against the login, a member of both), and RESET ROLE returns here.
-- Roles belong to the cluster, which many databases share (tests migrate many
-- at once): altered only when not yet set, so two migrations never race on the
-- role's row ("tuple concurrently updated"). Same effect as the unconditional
-- ALTER this file first held.
DO $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM pg_db_role_setting s
     WHERE s.setrole = 'skatehubba_app'::regrole AND s.setdatabase = 0
       AND 'role=anonymous' = ANY (s.setconfig)
  ) THEN
    ALTER ROLE skatehubba_app SET role = 'anonymous';
  END IF;
END
$$;
