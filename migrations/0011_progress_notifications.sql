-- Achievements that advance themselves, and the rider's inbox.
--
-- rider_metrics holds, per rider, what the database counts toward the
-- achievements with a counted metric (0010): live check-ins, live landed
-- check-ins, distinct spots with a live check-in. Three statement triggers on
-- checkins keep it exact for every statement, one set-based pass per
-- statement (a bulk load of 5,000 check-ins is one pass, not 5,000), and
-- unlock, in the same statement, every achievement whose goal a check-in
-- reached: a user_achievements row (progress = goal, unlocked_at = the moment
-- of the check-in that reached it) and a notification. An unlock stays when
-- the count later goes down (an archival, a status change, a deletion).
-- Two statement triggers on notifications keep each rider's unread count.
-- Every function is owned by skatehubba_owner; the definer ones pin
-- search_path with pg_temp last.

ALTER TYPE achievement_metric OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER TYPE notification_kind OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER TABLE rider_metrics FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rider_metrics OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER TABLE notifications FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE notifications OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER TABLE notification_inboxes FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE notification_inboxes OWNER TO skatehubba_owner;
--> statement-breakpoint
REVOKE ALL ON rider_metrics, notifications, notification_inboxes FROM PUBLIC;
--> statement-breakpoint

-- Read notifications older than this many days are pruned (NOTIFICATION_READ_RETENTION_DAYS).
CREATE FUNCTION notification_read_retention_days() RETURNS integer LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, public, pg_temp AS $$ SELECT 90 $$;
--> statement-breakpoint

-- One statement's change to one rider's counter: the net delta, and the
-- gains in time order (when each counted, and the check-in), so the gain
-- that takes the counter to an achievement's goal is found by position.
CREATE TYPE rider_metric_change AS (user_id uuid, metric achievement_metric, delta integer, moments timestamptz[], checkin_ids uuid[]);
--> statement-breakpoint

-- Applies one statement's changes, one per (rider, metric). Decrements
-- count first, then the gains in order: an achievement whose goal lies in
-- (value - gains, value] is reached by gain number goal - (value - gains),
-- and unlocks with that gain's moment and check-in, unless the rider holds
-- it already. Counters are locked in (user_id, metric) order: two statements
-- that touch the same riders cannot deadlock on them. Internal: runs inside
-- the check-in triggers, as the owner.
CREATE FUNCTION rider_metrics_apply(p_changes rider_metric_change[]) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  WITH changes AS (
    SELECT c.user_id, c.metric, c.delta, c.moments, c.checkin_ids FROM unnest(p_changes) AS c WHERE c.delta <> 0 OR cardinality(c.moments) > 0
  ),
  -- Counters that exist are locked in key order, then moved; an upsert cannot
  -- carry a decrement (Postgres checks rider_metrics_value_ck on the row it
  -- proposes to insert, before it finds the conflict).
  locked AS (
    SELECT m.user_id, m.metric FROM public.rider_metrics m JOIN changes c ON c.user_id = m.user_id AND c.metric = m.metric
     ORDER BY m.user_id, m.metric FOR UPDATE OF m
  ),
  moved AS (
    UPDATE public.rider_metrics m SET value = m.value + c.delta
      FROM changes c JOIN locked l ON l.user_id = c.user_id AND l.metric = c.metric
     WHERE m.user_id = c.user_id AND m.metric = c.metric
    RETURNING m.user_id, m.metric, m.value
  ),
  -- A rider's first count of a metric; a concurrent first count lands in ON CONFLICT.
  created AS (
    INSERT INTO public.rider_metrics AS m (user_id, metric, value)
    SELECT c.user_id, c.metric, c.delta FROM changes c
     WHERE c.delta > 0 AND NOT EXISTS (SELECT 1 FROM public.rider_metrics e WHERE e.user_id = c.user_id AND e.metric = c.metric)
     ORDER BY c.user_id, c.metric
    ON CONFLICT (user_id, metric) DO UPDATE SET value = m.value + excluded.value
    RETURNING m.user_id, m.metric, m.value
  ),
  applied AS (SELECT * FROM moved UNION ALL SELECT * FROM created),
  reached AS (
    SELECT c.user_id, a.id AS achievement_id, a.goal,
           c.moments[a.goal - (ap.value - cardinality(c.moments))] AS moment,
           c.checkin_ids[a.goal - (ap.value - cardinality(c.moments))] AS checkin_id
      FROM changes c
      JOIN applied ap ON ap.user_id = c.user_id AND ap.metric = c.metric
      JOIN public.achievements a ON a.metric = c.metric AND a.goal > ap.value - cardinality(c.moments) AND a.goal <= ap.value
     WHERE NOT EXISTS (SELECT 1 FROM public.user_achievements ua WHERE ua.user_id = c.user_id AND ua.achievement_id = a.id)
  ),
  unlocked AS (
    INSERT INTO public.user_achievements (user_id, achievement_id, goal, progress, unlocked_at, created_at)
    SELECT user_id, achievement_id, goal, goal, moment, moment FROM reached ORDER BY user_id, achievement_id
    ON CONFLICT (user_id, achievement_id) DO NOTHING
  )
  -- A concurrent unlock of the same achievement (the insert above then did
  -- nothing) wrote its own notice, which this one meets in the unique index.
  INSERT INTO public.notifications (user_id, kind, achievement_id, checkin_id, created_at)
  SELECT r.user_id, 'achievement_unlocked', r.achievement_id, r.checkin_id, r.moment FROM reached r
  ON CONFLICT (user_id, achievement_id) WHERE kind = 'achievement_unlocked' DO NOTHING
$$;
--> statement-breakpoint

-- New check-ins count from their created_at. A (rider, spot) pair counts for
-- distinct_spots from its first live check-in: new when the live check-ins at
-- the pair are exactly this statement's (a LIMIT a+1 probe of
-- checkins_user_spot_window_uq, not a count of the rider's history).
CREATE FUNCTION checkins_count_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  PERFORM public.rider_metrics_apply(ARRAY(
    SELECT ROW(g.user_id, g.metric, g.gains, g.moments, g.checkin_ids)::public.rider_metric_change
      FROM (
        SELECT c.user_id, c.metric, count(*)::integer AS gains,
               array_agg(c.created_at ORDER BY c.created_at, c.id) AS moments, array_agg(c.id ORDER BY c.created_at, c.id) AS checkin_ids
          FROM (
            SELECT n.user_id, 'checkins'::achievement_metric AS metric, n.created_at, n.id FROM new_rows n WHERE n.archived_at IS NULL
            UNION ALL
            SELECT n.user_id, 'landed', n.created_at, n.id FROM new_rows n WHERE n.archived_at IS NULL AND n.trick_status = 'landed'
            UNION ALL
            SELECT p.user_id, 'distinct_spots', p.created_at, p.id
              FROM (SELECT DISTINCT ON (n.user_id, n.spot_id) n.user_id, n.spot_id, n.created_at, n.id,
                           count(*) OVER (PARTITION BY n.user_id, n.spot_id) AS added
                      FROM new_rows n WHERE n.archived_at IS NULL
                     ORDER BY n.user_id, n.spot_id, n.created_at, n.id) p
             WHERE (SELECT count(*) FROM (SELECT 1 FROM public.checkins c
                                           WHERE c.user_id = p.user_id AND c.spot_id = p.spot_id AND c.archived_at IS NULL
                                           LIMIT p.added + 1) live) = p.added
          ) c
         GROUP BY c.user_id, c.metric
      ) g));
  RETURN NULL;
END
$$;
--> statement-breakpoint

-- A row counts before and after the statement by its own state (live,
-- landed); a pair counts by whether any live check-in is left at it. Gains
-- by an update (a status changed to landed) count from now().
CREATE FUNCTION checkins_count_updated() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  PERFORM public.rider_metrics_apply(ARRAY(
    SELECT ROW(e.user_id, e.metric, sum(e.delta)::integer,
               coalesce(array_agg(now()) FILTER (WHERE e.delta > 0), '{}'),
               coalesce(array_agg(e.checkin_id ORDER BY e.checkin_id) FILTER (WHERE e.delta > 0), '{}'))::public.rider_metric_change
      FROM (
        WITH changed AS (
          SELECT n.id, o.user_id AS old_user, n.user_id AS new_user,
                 o.archived_at IS NULL AS old_live, n.archived_at IS NULL AS new_live,
                 o.archived_at IS NULL AND o.trick_status = 'landed' AS old_landed,
                 n.archived_at IS NULL AND n.trick_status = 'landed' AS new_landed
            FROM old_rows o JOIN new_rows n ON n.id = o.id
        ),
        pairs AS (
          SELECT user_id, spot_id, sum(added)::integer AS added, sum(removed)::integer AS removed
            FROM (SELECT n.user_id, n.spot_id, 1 AS added, 0 AS removed FROM new_rows n WHERE n.archived_at IS NULL
                  UNION ALL
                  SELECT o.user_id, o.spot_id, 0, 1 FROM old_rows o WHERE o.archived_at IS NULL) s
           GROUP BY user_id, spot_id
        ),
        pair_change AS (
          SELECT p.user_id, p.spot_id,
                 (live.n > 0)::integer - (live.n - p.added + p.removed > 0)::integer AS delta
            FROM pairs p,
                 LATERAL (SELECT count(*)::integer AS n FROM (SELECT 1 FROM public.checkins c
                            WHERE c.user_id = p.user_id AND c.spot_id = p.spot_id AND c.archived_at IS NULL
                            LIMIT p.added + 1) l) live
        )
        SELECT old_user AS user_id, 'checkins'::achievement_metric AS metric, -1 AS delta, id AS checkin_id
          FROM changed WHERE old_live AND NOT (new_live AND new_user = old_user)
        UNION ALL
        SELECT new_user, 'checkins', 1, id FROM changed WHERE new_live AND NOT (old_live AND new_user = old_user)
        UNION ALL
        SELECT old_user, 'landed', -1, id FROM changed WHERE old_landed AND NOT (new_landed AND new_user = old_user)
        UNION ALL
        SELECT new_user, 'landed', 1, id FROM changed WHERE new_landed AND NOT (old_landed AND new_user = old_user)
        UNION ALL
        SELECT pc.user_id, 'distinct_spots', pc.delta,
               (SELECT n.id FROM new_rows n WHERE n.user_id = pc.user_id AND n.spot_id = pc.spot_id AND n.archived_at IS NULL
                 ORDER BY n.created_at, n.id LIMIT 1)
          FROM pair_change pc WHERE pc.delta <> 0
      ) e
     GROUP BY e.user_id, e.metric));
  RETURN NULL;
END
$$;
--> statement-breakpoint

-- Deleted live check-ins count down, except a rider's own being deleted with
-- the account (erasure): their counters go by CASCADE.
CREATE FUNCTION checkins_count_deleted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  PERFORM public.rider_metrics_apply(ARRAY(
    SELECT ROW(e.user_id, e.metric, -count(*)::integer, '{}'::timestamptz[], '{}'::uuid[])::public.rider_metric_change
      FROM (
        SELECT o.user_id, 'checkins'::achievement_metric AS metric FROM old_rows o WHERE o.archived_at IS NULL
        UNION ALL
        SELECT o.user_id, 'landed' FROM old_rows o WHERE o.archived_at IS NULL AND o.trick_status = 'landed'
        UNION ALL
        SELECT p.user_id, 'distinct_spots'
          FROM (SELECT DISTINCT o.user_id, o.spot_id FROM old_rows o WHERE o.archived_at IS NULL) p
         WHERE NOT EXISTS (SELECT 1 FROM public.checkins c WHERE c.user_id = p.user_id AND c.spot_id = p.spot_id AND c.archived_at IS NULL)
      ) e
     WHERE EXISTS (SELECT 1 FROM public.users u WHERE u.id = e.user_id)
     GROUP BY e.user_id, e.metric));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER checkins_metrics_insert_trg AFTER INSERT ON checkins REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION checkins_count_inserted();
--> statement-breakpoint
CREATE TRIGGER checkins_metrics_update_trg AFTER UPDATE ON checkins REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION checkins_count_updated();
--> statement-breakpoint
CREATE TRIGGER checkins_metrics_delete_trg AFTER DELETE ON checkins REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION checkins_count_deleted();
--> statement-breakpoint

-- The counters of the check-ins that exist already; nothing is unlocked for
-- them (the achievements that exist are manual).
INSERT INTO rider_metrics (user_id, metric, value)
SELECT user_id, m.metric, m.value
  FROM (SELECT user_id, count(*) AS n, count(*) FILTER (WHERE trick_status = 'landed') AS landed, count(DISTINCT spot_id) AS spots
          FROM checkins WHERE archived_at IS NULL GROUP BY user_id) c,
       LATERAL (VALUES ('checkins'::achievement_metric, c.n::integer), ('landed', c.landed::integer), ('distinct_spots', c.spots::integer)) AS m(metric, value)
 WHERE m.value > 0;
--> statement-breakpoint

-- Unread counts: one upsert per rider a statement touches, in user_id order.
CREATE FUNCTION notifications_count_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  INSERT INTO public.notification_inboxes AS i (user_id, unread_count)
  SELECT n.user_id, count(*) FILTER (WHERE n.read_at IS NULL) FROM new_rows n GROUP BY n.user_id ORDER BY n.user_id
  ON CONFLICT (user_id) DO UPDATE SET unread_count = i.unread_count + excluded.unread_count;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION notifications_count_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    UPDATE public.notification_inboxes i SET unread_count = i.unread_count + d.delta
      FROM (SELECT n.user_id, sum((n.read_at IS NULL)::integer - (o.read_at IS NULL)::integer)::integer AS delta
              FROM old_rows o JOIN new_rows n ON n.id = o.id GROUP BY n.user_id) d
     WHERE i.user_id = d.user_id AND d.delta <> 0;
  ELSE
    -- A rider's own notices deleted with the account: the inbox goes by CASCADE.
    UPDATE public.notification_inboxes i SET unread_count = i.unread_count - d.unread
      FROM (SELECT o.user_id, count(*)::integer AS unread FROM old_rows o WHERE o.read_at IS NULL GROUP BY o.user_id) d
     WHERE i.user_id = d.user_id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER notifications_inbox_insert_trg AFTER INSERT ON notifications REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notifications_count_inserted();
--> statement-breakpoint
CREATE TRIGGER notifications_inbox_update_trg AFTER UPDATE ON notifications REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notifications_count_changed();
--> statement-breakpoint
CREATE TRIGGER notifications_inbox_delete_trg AFTER DELETE ON notifications REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notifications_count_changed();
--> statement-breakpoint

-- Manual achievements only: a counted one is the check-ins' to move. An
-- unlock writes its notification in the same statement.
CREATE OR REPLACE FUNCTION record_progress(p_user_id uuid, p_achievement_id uuid, p_step integer)
RETURNS SETOF user_achievements
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  rider uuid := public.current_rider_id();
  counted achievement_metric;
BEGIN
  IF (rider IS NULL AND NOT public.session_is_staff()) OR (rider IS NOT NULL AND p_user_id IS DISTINCT FROM rider) THEN
    RAISE EXCEPTION 'a rider records progress only for themself'
      USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'record_progress_rider_guard', TABLE = 'user_achievements';
  END IF;
  IF p_step IS NULL OR p_step <= 0 THEN
    RAISE EXCEPTION 'progress step must be a positive integer, got %', p_step
      USING ERRCODE = 'check_violation', CONSTRAINT = 'record_progress_step_guard', TABLE = 'user_achievements';
  END IF;
  SELECT a.metric INTO counted FROM public.achievements a WHERE a.id = p_achievement_id;
  IF counted IS DISTINCT FROM 'manual' AND counted IS NOT NULL THEN
    RAISE EXCEPTION 'achievement % counts %: its progress comes from check-ins, not from recorded steps', p_achievement_id, counted
      USING ERRCODE = 'check_violation', CONSTRAINT = 'record_progress_manual_guard', TABLE = 'user_achievements';
  END IF;
  RETURN QUERY
    WITH moved AS (
      INSERT INTO public.user_achievements AS ua (user_id, achievement_id, goal, progress, unlocked_at)
      SELECT p_user_id, a.id, a.goal, p_step, CASE WHEN p_step >= a.goal THEN now() END
        FROM public.achievements a
       WHERE a.id = p_achievement_id
      ON CONFLICT (user_id, achievement_id) DO UPDATE
         SET progress = ua.progress + excluded.progress,
             unlocked_at = coalesce(ua.unlocked_at, CASE WHEN ua.progress + excluded.progress >= ua.goal THEN now() END)
      RETURNING ua.*
    ),
    announced AS (
      INSERT INTO public.notifications (user_id, kind, achievement_id, created_at)
      SELECT m.user_id, 'achievement_unlocked', m.achievement_id, m.unlocked_at
        FROM moved m WHERE m.unlocked_at IS NOT NULL AND m.progress - p_step < m.goal
      ON CONFLICT (user_id, achievement_id) WHERE kind = 'achievement_unlocked' DO NOTHING
    )
    SELECT * FROM moved;
END
$$;
--> statement-breakpoint

-- Rebuilds a rider's counters from their live check-ins and unlocks what they
-- reached and do not hold (now, with a notification): the repair for a
-- counter that drifted (a check-in table restored from a backup, a trigger
-- disabled by hand). The rider on themself, or staff without a rider.
CREATE FUNCTION recompute_progress(p_user_id uuid)
RETURNS TABLE (metric achievement_metric, value_before integer, value_after integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  rider uuid := public.current_rider_id();
BEGIN
  IF (rider IS NULL AND NOT public.session_is_staff()) OR (rider IS NOT NULL AND p_user_id IS DISTINCT FROM rider) THEN
    RAISE EXCEPTION 'a rider recomputes only their own progress'
      USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'recompute_progress_rider_guard', TABLE = 'rider_metrics';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM public.users u WHERE u.id = p_user_id) THEN
    RAISE EXCEPTION 'rider % does not exist', p_user_id
      USING ERRCODE = 'no_data_found', CONSTRAINT = 'recompute_progress_found_guard', TABLE = 'rider_metrics';
  END IF;
  -- Locks the rider's counters (and waits for a check-in of theirs in flight) before counting.
  PERFORM 1 FROM public.rider_metrics m WHERE m.user_id = p_user_id ORDER BY m.metric FOR UPDATE;
  RETURN QUERY
    WITH exact AS (
      SELECT x.metric, x.value
        FROM (SELECT count(*)::integer AS n,
                     (count(*) FILTER (WHERE c.trick_status = 'landed'))::integer AS landed,
                     count(DISTINCT c.spot_id)::integer AS spots
                FROM public.checkins c WHERE c.user_id = p_user_id AND c.archived_at IS NULL) c,
             LATERAL (VALUES ('checkins'::achievement_metric, c.n), ('landed', c.landed), ('distinct_spots', c.spots)) AS x(metric, value)
    ),
    before AS (SELECT m.metric, m.value FROM public.rider_metrics m WHERE m.user_id = p_user_id),
    written AS (
      INSERT INTO public.rider_metrics AS m (user_id, metric, value)
      SELECT p_user_id, e.metric, e.value FROM exact e
       WHERE e.value > 0 OR EXISTS (SELECT 1 FROM before b WHERE b.metric = e.metric)
       ORDER BY e.metric
      ON CONFLICT (user_id, metric) DO UPDATE SET value = excluded.value
      RETURNING m.metric, m.value
    ),
    unlocked AS (
      INSERT INTO public.user_achievements (user_id, achievement_id, goal, progress, unlocked_at)
      SELECT p_user_id, a.id, a.goal, a.goal, now()
        FROM exact e JOIN public.achievements a ON a.metric = e.metric AND a.goal <= e.value
       WHERE NOT EXISTS (SELECT 1 FROM public.user_achievements ua WHERE ua.user_id = p_user_id AND ua.achievement_id = a.id)
      ON CONFLICT (user_id, achievement_id) DO NOTHING
      RETURNING user_id, achievement_id, unlocked_at
    ),
    announced AS (
      INSERT INTO public.notifications (user_id, kind, achievement_id, created_at)
      SELECT u.user_id, 'achievement_unlocked', u.achievement_id, u.unlocked_at FROM unlocked u
      ON CONFLICT (user_id, achievement_id) WHERE kind = 'achievement_unlocked' DO NOTHING
    )
    SELECT e.metric, coalesce(b.value, 0), e.value
      FROM exact e LEFT JOIN before b ON b.metric = e.metric
     ORDER BY e.metric;
END
$$;
--> statement-breakpoint

-- Deletes the read notifications read more than notification_read_retention_days()
-- ago, through notifications_read_at_idx; unread ones stay. Staff only (the
-- maintenance job). Returns how many went.
CREATE FUNCTION prune_notifications() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  pruned integer;
BEGIN
  IF public.current_rider_id() IS NOT NULL OR NOT public.session_is_staff() THEN
    RAISE EXCEPTION 'only staff run maintenance'
      USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'prune_notifications_staff_guard', TABLE = 'notifications';
  END IF;
  DELETE FROM public.notifications n
   WHERE n.read_at IS NOT NULL AND n.read_at < now() - make_interval(days => public.notification_read_retention_days());
  GET DIAGNOSTICS pruned = ROW_COUNT;
  RETURN pruned;
END
$$;
--> statement-breakpoint

ALTER FUNCTION notification_read_retention_days() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER TYPE rider_metric_change OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION rider_metrics_apply(rider_metric_change[]) OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION checkins_count_inserted() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION checkins_count_updated() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION checkins_count_deleted() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION notifications_count_inserted() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION notifications_count_changed() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION recompute_progress(uuid) OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION prune_notifications() OWNER TO skatehubba_owner;
--> statement-breakpoint
REVOKE ALL ON FUNCTION notification_read_retention_days(), rider_metrics_apply(rider_metric_change[]),
  checkins_count_inserted(), checkins_count_updated(), checkins_count_deleted(), notifications_count_inserted(),
  notifications_count_changed(), recompute_progress(uuid), prune_notifications() FROM PUBLIC;
--> statement-breakpoint

-- A rider reads their own counters, inbox and notifications, and marks notifications read.
GRANT SELECT ON rider_metrics TO authenticated, skatehubba_readonly;
--> statement-breakpoint
GRANT SELECT ON notifications TO authenticated, skatehubba_readonly;
--> statement-breakpoint
GRANT UPDATE (read_at) ON notifications TO authenticated;
--> statement-breakpoint
GRANT SELECT ON notification_inboxes TO authenticated, skatehubba_readonly;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION recompute_progress(uuid) TO authenticated;
--> statement-breakpoint

-- The export carries the new rider-owned tables: counters, notifications, the inbox.
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
