-- A session of the API's login searches public, then its own pg_temp. Left to
-- the default, pg_temp is searched first for tables: a temporary table one
-- request creates (TEMPORARY is Postgres's default for PUBLIC) would shadow a
-- real table for every later request on the same pooled connection that reads
-- outside asRider() (which pins search_path itself, per transaction).
ALTER ROLE skatehubba_app SET search_path = public, pg_temp;
