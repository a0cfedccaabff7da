-- Least privilege: who owns, who may do what to which columns, and the flows
-- that do more than a rider may, as SECURITY DEFINER functions. drizzle-kit
-- writes the policies (0004) but no GRANT, REVOKE or FORCE ROW LEVEL SECURITY.
-- Every definer function pins search_path with pg_temp last (a temporary
-- table must never shadow a real one) and has EXECUTE revoked from PUBLIC.

-- Policies bind the owner too: its access is what its policies say.
ALTER TABLE users FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE spots FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE saved_spots FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE checkins FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE achievements FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE user_achievements FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE audit_logs FORCE ROW LEVEL SECURITY;
--> statement-breakpoint

-- Audit trail: written as the owner whoever changed the row, so the app needs
-- no privilege on audit_logs at all. The actor is the verified rider when one
-- is set (asRider()), so the trail names exactly who the policies let in;
-- otherwise the skatehubba.actor_id setting (withActor(), staff and system).
-- Emails are left out at capture: the trail is read by support, who must not
-- read contact data.
CREATE OR REPLACE FUNCTION audit_row_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  key_columns text[] := string_to_array(TG_ARGV[0], ',');
  redacted_columns text[] := string_to_array(coalesce(TG_ARGV[1], ''), ',');
  old_row jsonb;
  new_row jsonb;
  summary jsonb;
  target text;
  col text;
BEGIN
  IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD); END IF;
  IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW); END IF;

  SELECT string_agg(coalesce(new_row, old_row) ->> k.name, '/' ORDER BY k.ord)
    INTO target
    FROM unnest(key_columns) WITH ORDINALITY AS k(name, ord);

  IF TG_OP = 'UPDATE' THEN
    SELECT coalesce(jsonb_object_agg(n.key, jsonb_build_array(old_row -> n.key, n.value)), '{}'::jsonb)
      INTO summary
      FROM jsonb_each(new_row) AS n
      WHERE n.value IS DISTINCT FROM old_row -> n.key;
  ELSE
    summary := coalesce(new_row, old_row);
  END IF;

  FOREACH col IN ARRAY redacted_columns LOOP
    IF summary ? col THEN
      summary := jsonb_set(
        summary,
        ARRAY[col],
        CASE WHEN TG_OP = 'UPDATE' THEN '["[redacted]","[redacted]"]'::jsonb ELSE '"[redacted]"'::jsonb END
      );
    END IF;
  END LOOP;

  INSERT INTO audit_logs (actor_id, action, target_table, target_id, changes)
  VALUES (
    coalesce(current_rider_id(), nullif(current_setting('skatehubba.actor_id', true), '')::uuid),
    lower(TG_OP),
    TG_TABLE_NAME,
    target,
    summary
  );
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER users_audit_trg ON users;
--> statement-breakpoint
CREATE TRIGGER users_audit_trg AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION audit_row_change('id', 'email');
--> statement-breakpoint

-- The active-spot rule locks the spot row (FOR SHARE), which a rider may not
-- do to another rider's spot: it runs as the owner.
ALTER FUNCTION checkins_require_active_spot() SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;
--> statement-breakpoint

-- Whether the login of this session may act for staff without a rider: the
-- owner's members (the migrations' and admin tools' logins). Inside a definer
-- function current_user is the owner, so the caller is read from session_user.
CREATE FUNCTION session_is_staff() RETURNS boolean LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT pg_has_role(session_user, 'skatehubba_owner', 'MEMBER')
$$;
--> statement-breakpoint

-- The signed-in rider's own email: no role may SELECT users.email.
CREATE FUNCTION current_rider_email() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT email FROM public.users WHERE id = public.current_rider_id()
$$;
--> statement-breakpoint

-- The auth middleware's one question before it knows the rider: whose live
-- session is this token hash? Returns no hash, and nothing for an expired or
-- revoked session.
CREATE FUNCTION session_by_token_hash(p_token_hash text)
RETURNS TABLE (session_id uuid, user_id uuid, expires_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT s.id, s.user_id, s.expires_at
    FROM public.sessions s
   WHERE s.token_hash = p_token_hash AND s.revoked_at IS NULL AND s.expires_at > now()
$$;
--> statement-breakpoint

-- archiveSpot(): the spot and its live check-ins (every rider's) get the same
-- archived_at, in one transaction. Allowed to the spot's creator, or to staff
-- without a rider. The spot row is locked first (FOR UPDATE), so a racing
-- check-in either commits before (and is archived) or waits and is refused by
-- checkins_spot_active_trg.
CREATE FUNCTION archive_spot(p_spot_id uuid)
RETURNS TABLE (archived_at timestamptz, checkins_archived integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  rider uuid := public.current_rider_id();
  spot record;
  moved integer;
BEGIN
  SELECT s.created_by, s.archived_at INTO spot FROM public.spots s WHERE s.id = p_spot_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'spot % does not exist', p_spot_id
      USING ERRCODE = 'no_data_found', CONSTRAINT = 'archive_spot_found_guard', TABLE = 'spots';
  END IF;
  IF (rider IS NULL AND NOT public.session_is_staff()) OR (rider IS NOT NULL AND spot.created_by IS DISTINCT FROM rider) THEN
    RAISE EXCEPTION 'only the rider who created spot % may archive it', p_spot_id
      USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'archive_spot_creator_guard', TABLE = 'spots';
  END IF;
  IF spot.archived_at IS NOT NULL THEN
    RAISE EXCEPTION 'spot % was archived at %; nothing to do', p_spot_id, spot.archived_at
      USING ERRCODE = 'check_violation', CONSTRAINT = 'archive_spot_active_guard', TABLE = 'spots';
  END IF;
  -- now() is the transaction's start: the spot and its check-ins get the same instant.
  UPDATE public.spots SET archived_at = now() WHERE id = p_spot_id;
  UPDATE public.checkins SET archived_at = now() WHERE spot_id = p_spot_id AND checkins.archived_at IS NULL;
  GET DIAGNOSTICS moved = ROW_COUNT;
  RETURN QUERY SELECT now(), moved;
END
$$;
--> statement-breakpoint

-- recordProgress(): adds p_step (> 0) to a rider's progress in one statement,
-- creating the row on first progress; unlocked_at is set by the statement that
-- first reaches the goal and never moves after. A rider records only their
-- own progress; staff without a rider anyone's.
CREATE FUNCTION record_progress(p_user_id uuid, p_achievement_id uuid, p_step integer)
RETURNS SETOF user_achievements
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  rider uuid := public.current_rider_id();
BEGIN
  IF (rider IS NULL AND NOT public.session_is_staff()) OR (rider IS NOT NULL AND p_user_id IS DISTINCT FROM rider) THEN
    RAISE EXCEPTION 'a rider records progress only for themself'
      USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'record_progress_rider_guard', TABLE = 'user_achievements';
  END IF;
  IF p_step IS NULL OR p_step <= 0 THEN
    RAISE EXCEPTION 'progress step must be a positive integer, got %', p_step
      USING ERRCODE = 'check_violation', CONSTRAINT = 'record_progress_step_guard', TABLE = 'user_achievements';
  END IF;
  RETURN QUERY
    INSERT INTO public.user_achievements AS ua (user_id, achievement_id, goal, progress, unlocked_at)
    SELECT p_user_id, a.id, a.goal, p_step, CASE WHEN p_step >= a.goal THEN now() END
      FROM public.achievements a
     WHERE a.id = p_achievement_id
    ON CONFLICT (user_id, achievement_id) DO UPDATE
       SET progress = ua.progress + excluded.progress,
           unlocked_at = coalesce(ua.unlocked_at, CASE WHEN ua.progress + excluded.progress >= ua.goal THEN now() END)
    RETURNING ua.*;
END
$$;
--> statement-breakpoint

-- Ownership: every object to skatehubba_owner, which no one logs in as. A
-- login that is not a superuser (neondb_owner on Neon) may hand an object only
-- to a role with CREATE on its schema, which later migrations need anyway.
GRANT CREATE ON SCHEMA public TO skatehubba_owner;
--> statement-breakpoint
ALTER TABLE users OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER TABLE sessions OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER TABLE spots OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER TABLE saved_spots OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER TABLE checkins OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER TABLE achievements OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER TABLE user_achievements OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER TABLE audit_logs OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER TYPE stance OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER TYPE trick_status OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER TYPE achievement_tier OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION current_rider_id() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION session_is_staff() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION set_updated_at() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION audit_row_change() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION audit_logs_refuse_change() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION checkins_require_active_spot() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION current_rider_email() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION session_by_token_hash(text) OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION archive_spot(uuid) OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION record_progress(uuid, uuid, integer) OWNER TO skatehubba_owner;
--> statement-breakpoint

-- Nothing for PUBLIC: no table, no function, no CREATE in the schema (Postgres
-- before 15, PGlite's defaults aside, let every role create in public).
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
--> statement-breakpoint
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO skatehubba_owner, authenticated, anonymous, skatehubba_readonly;
--> statement-breakpoint
-- Policies call these as the querying role.
GRANT EXECUTE ON FUNCTION current_rider_id() TO authenticated, anonymous, skatehubba_readonly;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION current_rider_email() TO authenticated;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION session_by_token_hash(text) TO anonymous, authenticated;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION archive_spot(uuid) TO authenticated;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION record_progress(uuid, uuid, integer) TO authenticated;
--> statement-breakpoint

-- users: public profile columns for everyone; email for no one (current_rider_email()).
GRANT SELECT (id, handle, display_name, stance, avatar_url, created_at, updated_at) ON users TO anonymous, authenticated, skatehubba_readonly;
--> statement-breakpoint
GRANT INSERT (id, handle, email, display_name, stance, avatar_url) ON users TO authenticated;
--> statement-breakpoint
GRANT UPDATE (handle, email, display_name, stance, avatar_url) ON users TO authenticated;
--> statement-breakpoint
-- sessions: never token_hash; a rider writes only what starts or revokes a session.
GRANT SELECT (id, user_id, created_at, expires_at, revoked_at, updated_at) ON sessions TO authenticated, skatehubba_readonly;
--> statement-breakpoint
GRANT INSERT (user_id, token_hash, expires_at) ON sessions TO authenticated;
--> statement-breakpoint
GRANT UPDATE (revoked_at) ON sessions TO authenticated;
--> statement-breakpoint
-- spots: archived_at only through archive_spot(); no DELETE.
GRANT SELECT ON spots TO anonymous, authenticated, skatehubba_readonly;
--> statement-breakpoint
GRANT INSERT (name, description, latitude, longitude, photo_url, created_by) ON spots TO authenticated;
--> statement-breakpoint
GRANT UPDATE (name, description, latitude, longitude, photo_url) ON spots TO authenticated;
--> statement-breakpoint
-- saved_spots: inserted and deleted, never updated.
GRANT SELECT, DELETE ON saved_spots TO authenticated;
--> statement-breakpoint
GRANT INSERT (user_id, spot_id) ON saved_spots TO authenticated;
--> statement-breakpoint
GRANT SELECT ON saved_spots TO skatehubba_readonly;
--> statement-breakpoint
-- checkins: created_at is the database's clock; rider and spot never change.
GRANT SELECT ON checkins TO anonymous, authenticated, skatehubba_readonly;
--> statement-breakpoint
GRANT INSERT (user_id, spot_id, trick, trick_status, stance, note, media_url) ON checkins TO authenticated;
--> statement-breakpoint
GRANT UPDATE (trick, trick_status, stance, note, media_url) ON checkins TO authenticated;
--> statement-breakpoint
GRANT DELETE ON checkins TO authenticated;
--> statement-breakpoint
-- achievements: read by all, written by staff as the owner.
GRANT SELECT ON achievements TO anonymous, authenticated, skatehubba_readonly;
--> statement-breakpoint
-- user_achievements: progress only through record_progress().
GRANT SELECT ON user_achievements TO authenticated, skatehubba_readonly;
--> statement-breakpoint
-- audit_logs: read by support; written only by the audit trigger, as the owner.
GRANT SELECT ON audit_logs TO skatehubba_readonly;
