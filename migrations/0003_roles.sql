-- The roles every later migration grants to, and the current rider that
-- policies compare with (see libs/schema-kit/src/access.ts).
-- Roles belong to the cluster, not to one database: this runs once per
-- database (every test database, every branch) against roles that may exist
-- already, possibly created a moment ago by a concurrent migration. So each
-- role is created only when missing, a concurrent creation is tolerated, and
-- an existing role that could escape the rules (superuser, BYPASSRLS, or a
-- login for the owner) stops the migration instead of being trusted.
DO $$
DECLARE
  spec record;
  existing record;
BEGIN
  FOR spec IN
    SELECT * FROM (VALUES
      ('skatehubba_owner', 'NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS'),
      ('skatehubba_app', 'NOLOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS'),
      ('skatehubba_readonly', 'NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS'),
      ('authenticated', 'NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS'),
      ('anonymous', 'NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS')
    ) AS s(name, options)
  LOOP
    SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb INTO existing FROM pg_roles WHERE rolname = spec.name;
    IF NOT FOUND THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I %s', spec.name, spec.options);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL; -- another database's migration created it between the check and here
      END;
    ELSIF existing.rolsuper OR existing.rolbypassrls OR existing.rolcreaterole OR existing.rolcreatedb THEN
      RAISE EXCEPTION 'role % exists with SUPERUSER, BYPASSRLS, CREATEROLE or CREATEDB; row-level security would not bind it', spec.name
        USING HINT = format('ALTER ROLE %I NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB, then migrate again', spec.name);
    END IF;
  END LOOP;
END
$$;
--> statement-breakpoint
-- The API's login becomes one of these per transaction (SET LOCAL ROLE), never both at once.
GRANT authenticated, anonymous TO skatehubba_app;
--> statement-breakpoint
-- The login running the migrations hands every object to skatehubba_owner
-- (0005_privileges); ALTER ... OWNER TO needs it to be a member.
GRANT skatehubba_owner TO CURRENT_USER;
--> statement-breakpoint
-- The verified rider of this transaction: the `sub` claim of request.jwt.claims,
-- set by asRider() (transaction-local) or, on Neon, by the Data API from a
-- verified JWT (pg_session_jwt reads the same setting). NULL without a rider.
-- Not auth.user_id(): that name belongs to Neon's extension. STABLE, so a
-- policy's `(select current_rider_id())` runs once per query.
CREATE FUNCTION current_rider_id() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub', '')::uuid
$$;
