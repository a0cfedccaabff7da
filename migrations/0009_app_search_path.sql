-- A session of the API's login searches public, then its own pg_temp. Left to
-- the default, pg_temp is searched first for tables: a temporary table one
-- request creates (TEMPORARY is Postgres's default for PUBLIC) would shadow a
-- real table for every later request on the same pooled connection that reads
-- outside asRider() (which pins search_path itself, per transaction).
-- Roles belong to the cluster, which many databases share (tests migrate many
-- at once): altered only when not yet set, so two migrations never race on the
-- role's row ("tuple concurrently updated").
DO $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM pg_db_role_setting s
     WHERE s.setrole = 'skatehubba_app'::regrole AND s.setdatabase = 0
       AND 'search_path=public, pg_temp' = ANY (s.setconfig)
  ) THEN
    ALTER ROLE skatehubba_app SET search_path = public, pg_temp;
  END IF;
END
$$;
