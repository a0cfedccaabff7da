-- Leaderboards that read in O(log n + k): per rider, and per spot and rider,
-- the landed live check-ins in the leaderboard window (the 30 UTC days up to
-- today), kept by statement triggers on checkins in the statement that
-- writes a check-in, read top-k from an index. The window's trailing edge
-- moves when roll_leaderboards() runs (the maintenance job, daily): until it
-- does, the days it would drop stay counted. Every function is owned by
-- skatehubba_owner; the definer ones pin search_path with pg_temp last.

ALTER TABLE leaderboard_window FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE leaderboard_window OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER TABLE leaderboard_entries FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE leaderboard_entries OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER TABLE spot_leaderboard_entries FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE spot_leaderboard_entries OWNER TO skatehubba_owner;
--> statement-breakpoint
REVOKE ALL ON leaderboard_window, leaderboard_entries, spot_leaderboard_entries FROM PUBLIC;
--> statement-breakpoint
-- Leaderboards are public, like the check-ins they count; the window is the triggers' (and support's).
GRANT SELECT ON leaderboard_entries, spot_leaderboard_entries TO anonymous, authenticated, skatehubba_readonly;
--> statement-breakpoint
GRANT SELECT ON leaderboard_window TO skatehubba_readonly;
--> statement-breakpoint

-- How many UTC days a leaderboard counts, today included (LEADERBOARD_DAYS).
CREATE FUNCTION leaderboard_days() RETURNS integer LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, public, pg_temp AS $$ SELECT 30 $$;
--> statement-breakpoint

-- Where the window starts for a moment: the start of its UTC day, leaderboard_days() - 1 days back.
CREATE FUNCTION leaderboard_window_start(p_at timestamptz) RETURNS timestamptz LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT (date_trunc('day', p_at AT TIME ZONE 'UTC') - make_interval(days => public.leaderboard_days() - 1)) AT TIME ZONE 'UTC'
$$;
--> statement-breakpoint
INSERT INTO leaderboard_window (id, starts_at) VALUES (true, leaderboard_window_start(now()));
--> statement-breakpoint

-- One statement's change to one (spot, rider) count.
CREATE TYPE leaderboard_change AS (spot_id uuid, user_id uuid, delta integer);
--> statement-breakpoint

-- Applies one statement's changes to both leaderboards. Rows are locked in
-- key order, the spot table's before the riders' (every statement takes them
-- in that order), so concurrent check-ins cannot deadlock on them; riders at
-- the same spot move different rows and do not wait for each other. An
-- upsert cannot carry a decrement (the CHECK is tested on the row it proposes
-- to insert), so existing rows are updated and only gains create rows.
-- Internal: runs inside the check-in triggers and roll_leaderboards().
CREATE FUNCTION leaderboards_apply(p_changes leaderboard_change[]) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  WITH changes AS (
    SELECT c.spot_id, c.user_id, sum(c.delta)::integer AS delta FROM unnest(p_changes) AS c
     GROUP BY c.spot_id, c.user_id HAVING sum(c.delta) <> 0
  ),
  spot_locked AS (
    SELECT e.spot_id, e.user_id FROM public.spot_leaderboard_entries e
      JOIN changes c ON c.spot_id = e.spot_id AND c.user_id = e.user_id
     ORDER BY e.spot_id, e.user_id FOR UPDATE OF e
  ),
  spot_moved AS (
    UPDATE public.spot_leaderboard_entries e SET landed = e.landed + c.delta
      FROM changes c JOIN spot_locked l ON l.spot_id = c.spot_id AND l.user_id = c.user_id
     WHERE e.spot_id = c.spot_id AND e.user_id = c.user_id
    RETURNING e.spot_id
  ),
  spot_created AS (
    INSERT INTO public.spot_leaderboard_entries AS e (spot_id, user_id, landed)
    SELECT c.spot_id, c.user_id, c.delta FROM changes c
     WHERE c.delta > 0
       AND NOT EXISTS (SELECT 1 FROM public.spot_leaderboard_entries x WHERE x.spot_id = c.spot_id AND x.user_id = c.user_id)
     ORDER BY c.spot_id, c.user_id
    ON CONFLICT (spot_id, user_id) DO UPDATE SET landed = e.landed + excluded.landed
    RETURNING e.spot_id
  ),
  riders AS (
    SELECT c.user_id, sum(c.delta)::integer AS delta FROM changes c GROUP BY c.user_id HAVING sum(c.delta) <> 0
  ),
  rider_locked AS (
    SELECT e.user_id FROM public.leaderboard_entries e JOIN riders r ON r.user_id = e.user_id
     WHERE (SELECT count(*) FROM spot_moved) + (SELECT count(*) FROM spot_created) >= 0
     ORDER BY e.user_id FOR UPDATE OF e
  ),
  rider_moved AS (
    UPDATE public.leaderboard_entries e SET landed = e.landed + r.delta
      FROM riders r JOIN rider_locked l ON l.user_id = r.user_id
     WHERE e.user_id = r.user_id
    RETURNING e.user_id
  )
  INSERT INTO public.leaderboard_entries AS e (user_id, landed)
  SELECT r.user_id, r.delta FROM riders r
   WHERE r.delta > 0 AND NOT EXISTS (SELECT 1 FROM public.leaderboard_entries x WHERE x.user_id = r.user_id)
     AND (SELECT count(*) FROM rider_moved) >= 0
   ORDER BY r.user_id
  ON CONFLICT (user_id) DO UPDATE SET landed = e.landed + excluded.landed
$$;
--> statement-breakpoint

-- A check-in counts while it is landed, live, and created in the window. A
-- statement that writes check-ins older than a day before the window's start
-- could race roll_leaderboards() (an import, an archival of old check-ins):
-- it reads the window under a share lock, which the roll waits for. The
-- API's check-ins are created now and never need it.
CREATE FUNCTION checkins_leaderboard_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  window_start timestamptz;
BEGIN
  IF EXISTS (SELECT 1 FROM new_rows n WHERE n.created_at < now() - make_interval(days => public.leaderboard_days() - 2)) THEN
    SELECT w.starts_at INTO window_start FROM public.leaderboard_window w FOR SHARE;
  ELSE
    SELECT w.starts_at INTO window_start FROM public.leaderboard_window w;
  END IF;
  PERFORM public.leaderboards_apply(ARRAY(
    SELECT ROW(n.spot_id, n.user_id, count(*)::integer)::public.leaderboard_change
      FROM new_rows n
     WHERE n.trick_status = 'landed' AND n.archived_at IS NULL AND n.created_at >= window_start
     GROUP BY n.spot_id, n.user_id));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION checkins_leaderboard_updated() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  window_start timestamptz;
BEGIN
  IF EXISTS (SELECT 1 FROM old_rows o WHERE o.created_at < now() - make_interval(days => public.leaderboard_days() - 2))
     OR EXISTS (SELECT 1 FROM new_rows n WHERE n.created_at < now() - make_interval(days => public.leaderboard_days() - 2)) THEN
    SELECT w.starts_at INTO window_start FROM public.leaderboard_window w FOR SHARE;
  ELSE
    SELECT w.starts_at INTO window_start FROM public.leaderboard_window w;
  END IF;
  PERFORM public.leaderboards_apply(ARRAY(
    SELECT ROW(c.spot_id, c.user_id, sum(c.delta)::integer)::public.leaderboard_change
      FROM (SELECT o.spot_id, o.user_id, -1 AS delta FROM old_rows o
             WHERE o.trick_status = 'landed' AND o.archived_at IS NULL AND o.created_at >= window_start
            UNION ALL
            SELECT n.spot_id, n.user_id, 1 FROM new_rows n
             WHERE n.trick_status = 'landed' AND n.archived_at IS NULL AND n.created_at >= window_start) c
     GROUP BY c.spot_id, c.user_id));
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- A rider's own check-ins deleted with the account (erasure) leave with it:
-- their entries go by CASCADE.
CREATE FUNCTION checkins_leaderboard_deleted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  window_start timestamptz;
BEGIN
  IF EXISTS (SELECT 1 FROM old_rows o WHERE o.created_at < now() - make_interval(days => public.leaderboard_days() - 2)) THEN
    SELECT w.starts_at INTO window_start FROM public.leaderboard_window w FOR SHARE;
  ELSE
    SELECT w.starts_at INTO window_start FROM public.leaderboard_window w;
  END IF;
  PERFORM public.leaderboards_apply(ARRAY(
    SELECT ROW(o.spot_id, o.user_id, -count(*)::integer)::public.leaderboard_change
      FROM old_rows o
     WHERE o.trick_status = 'landed' AND o.archived_at IS NULL AND o.created_at >= window_start
       AND EXISTS (SELECT 1 FROM public.users u WHERE u.id = o.user_id)
     GROUP BY o.spot_id, o.user_id));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER checkins_leaderboard_insert_trg AFTER INSERT ON checkins REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION checkins_leaderboard_inserted();
--> statement-breakpoint
CREATE TRIGGER checkins_leaderboard_update_trg AFTER UPDATE ON checkins REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION checkins_leaderboard_updated();
--> statement-breakpoint
CREATE TRIGGER checkins_leaderboard_delete_trg AFTER DELETE ON checkins REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION checkins_leaderboard_deleted();
--> statement-breakpoint

-- The entries of the check-ins that exist already.
INSERT INTO spot_leaderboard_entries (spot_id, user_id, landed)
SELECT c.spot_id, c.user_id, count(*)
  FROM checkins c
 WHERE c.trick_status = 'landed' AND c.archived_at IS NULL AND c.created_at >= (SELECT starts_at FROM leaderboard_window)
 GROUP BY c.spot_id, c.user_id;
--> statement-breakpoint
INSERT INTO leaderboard_entries (user_id, landed)
SELECT e.user_id, sum(e.landed) FROM spot_leaderboard_entries e GROUP BY e.user_id;
--> statement-breakpoint

-- Moves the window to end at p_now's UTC day: the days it leaves behind go
-- out of the counts (the days it comes back to, for a p_now earlier than the
-- window, come in), read through checkins_landed_created_at_idx, in one
-- transaction with the move. Idempotent; safe to run concurrently (the
-- window row is locked FOR UPDATE: a second run waits, then finds nothing to
-- do). Staff only. Returns where the window starts and how many check-ins
-- left (or entered) the counts.
CREATE FUNCTION roll_leaderboards(p_now timestamptz DEFAULT now())
RETURNS TABLE (window_start timestamptz, checkins_moved integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  old_start timestamptz;
  new_start timestamptz := public.leaderboard_window_start(p_now);
  changes public.leaderboard_change[];
  moved integer;
BEGIN
  IF public.current_rider_id() IS NOT NULL OR NOT public.session_is_staff() THEN
    RAISE EXCEPTION 'only staff run maintenance'
      USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'roll_leaderboards_staff_guard', TABLE = 'leaderboard_window';
  END IF;
  SELECT w.starts_at INTO old_start FROM public.leaderboard_window w WHERE w.id FOR UPDATE;
  SELECT array_agg(ROW(g.spot_id, g.user_id, g.n * CASE WHEN new_start > old_start THEN -1 ELSE 1 END)::public.leaderboard_change),
         coalesce(sum(g.n), 0)::integer
    INTO changes, moved
    FROM (SELECT k.spot_id, k.user_id, count(*)::integer AS n
            FROM public.checkins k
           WHERE k.trick_status = 'landed' AND k.archived_at IS NULL
             AND k.created_at >= least(old_start, new_start) AND k.created_at < greatest(old_start, new_start)
           GROUP BY k.spot_id, k.user_id) g;
  PERFORM public.leaderboards_apply(coalesce(changes, '{}'));
  UPDATE public.leaderboard_window SET starts_at = new_start WHERE id;
  RETURN QUERY SELECT new_start, moved;
END
$$;
--> statement-breakpoint

ALTER FUNCTION leaderboard_days() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION leaderboard_window_start(timestamptz) OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER TYPE leaderboard_change OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION leaderboards_apply(leaderboard_change[]) OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION checkins_leaderboard_inserted() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION checkins_leaderboard_updated() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION checkins_leaderboard_deleted() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION roll_leaderboards(timestamptz) OWNER TO skatehubba_owner;
--> statement-breakpoint
REVOKE ALL ON FUNCTION leaderboard_days(), leaderboard_window_start(timestamptz), leaderboards_apply(leaderboard_change[]),
  checkins_leaderboard_inserted(), checkins_leaderboard_updated(), checkins_leaderboard_deleted(), roll_leaderboards(timestamptz) FROM PUBLIC;
--> statement-breakpoint
-- Policies and the public read the window's start through the table; leaderboard_days() is for the API's label.
GRANT EXECUTE ON FUNCTION leaderboard_days() TO anonymous, authenticated, skatehubba_readonly;
--> statement-breakpoint

-- The export carries the rider's leaderboard entries.
CREATE OR REPLACE FUNCTION export_rider(p_user_id uuid) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  rider uuid := public.current_rider_id();
  profile jsonb;
BEGIN
  IF (rider IS NULL AND NOT public.session_is_staff()) OR (rider IS NOT NULL AND p_user_id IS DISTINCT FROM rider) THEN
    RAISE EXCEPTION 'a rider exports only their own data'
      USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'export_rider_rider_guard', TABLE = 'users';
  END IF;
  SELECT to_jsonb(u) INTO profile FROM public.users u WHERE u.id = p_user_id;
  IF profile IS NULL THEN
    RAISE EXCEPTION 'rider % does not exist', p_user_id
      USING ERRCODE = 'no_data_found', CONSTRAINT = 'export_rider_found_guard', TABLE = 'users';
  END IF;
  RETURN jsonb_build_object(
    'exported_at', now(),
    'profile', profile,
    'sessions', (SELECT coalesce(jsonb_agg(to_jsonb(s) - 'token_hash' ORDER BY s.created_at, s.id), '[]'::jsonb)
                   FROM public.sessions s WHERE s.user_id = p_user_id),
    'saved_spots', (SELECT coalesce(jsonb_agg(to_jsonb(ss) || jsonb_build_object('spot_name', sp.name) ORDER BY ss.created_at, ss.spot_id), '[]'::jsonb)
                      FROM public.saved_spots ss JOIN public.spots sp ON sp.id = ss.spot_id WHERE ss.user_id = p_user_id),
    'checkins', (SELECT coalesce(jsonb_agg(to_jsonb(c) || jsonb_build_object('spot_name', sp.name) ORDER BY c.created_at, c.id), '[]'::jsonb)
                   FROM public.checkins c JOIN public.spots sp ON sp.id = c.spot_id WHERE c.user_id = p_user_id),
    'achievements', (SELECT coalesce(jsonb_agg(to_jsonb(ua) || jsonb_build_object('achievement', a.name, 'tier', a.tier) ORDER BY ua.achievement_id), '[]'::jsonb)
                       FROM public.user_achievements ua JOIN public.achievements a ON a.id = ua.achievement_id WHERE ua.user_id = p_user_id),
    'metrics', (SELECT coalesce(jsonb_agg(to_jsonb(m) ORDER BY m.metric), '[]'::jsonb)
                  FROM public.rider_metrics m WHERE m.user_id = p_user_id),
    'notifications', (SELECT coalesce(jsonb_agg(to_jsonb(n) || jsonb_build_object('achievement', a.name) ORDER BY n.created_at, n.id), '[]'::jsonb)
                        FROM public.notifications n LEFT JOIN public.achievements a ON a.id = n.achievement_id WHERE n.user_id = p_user_id),
    'inbox', (SELECT to_jsonb(i) FROM public.notification_inboxes i WHERE i.user_id = p_user_id),
    'leaderboard', (SELECT to_jsonb(e) FROM public.leaderboard_entries e WHERE e.user_id = p_user_id),
    'spot_leaderboards', (SELECT coalesce(jsonb_agg(to_jsonb(e) || jsonb_build_object('spot_name', sp.name) ORDER BY e.spot_id), '[]'::jsonb)
                            FROM public.spot_leaderboard_entries e JOIN public.spots sp ON sp.id = e.spot_id WHERE e.user_id = p_user_id),
    'spots_created', (SELECT coalesce(jsonb_agg(to_jsonb(sp) ORDER BY sp.created_at, sp.id), '[]'::jsonb)
                        FROM public.spots sp WHERE sp.created_by = p_user_id),
    'audit_trail', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                      'id', l.id,
                      'at', l.created_at,
                      'action', l.action,
                      'table', l.target_table,
                      'row', l.target_id,
                      'by', CASE WHEN l.actor_id = p_user_id THEN 'you' WHEN l.actor_id IS NULL THEN 'system' ELSE 'staff' END,
                      'changes', CASE WHEN l.subject_id IS NULL OR l.subject_id = p_user_id THEN l.changes END) ORDER BY l.id), '[]'::jsonb)
                      FROM public.audit_logs l WHERE l.actor_id = p_user_id OR l.subject_id = p_user_id)
  );
END
$$;
