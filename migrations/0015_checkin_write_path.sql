-- The single-row check-in, made cheap without changing what it does. A
-- check-in's statement fires three statement triggers (the audit trail, the
-- leaderboards, rider_metrics). Before this migration they cost about 1.5 ms
-- of server time per single-row INSERT (committed, one backend, small seed),
-- over 20 times the insert with its keys and row triggers (about 65 us);
-- after it, about 0.18 ms. Three causes, each fixed here:
--
-- 1. leaderboards_apply() and rider_metrics_apply() are LANGUAGE sql, and
--    PostgreSQL before 18 parses and plans a SQL function's body on every
--    call: their CTEs cost about 0.6 ms each per statement. A check-in only
--    adds (an insert has no old rows), so the leaderboard trigger now upserts
--    directly, in the same lock order (key order, the spot board before the
--    riders'), and a one-row check-in moves its counters with statements of
--    its own. The two functions stay for many-row inserts (rider_metrics),
--    updates, deletions and the window roll, planned per call (EXECUTE).
-- 2. Every check-in ran rider_metrics_apply()'s unlock INSERTs, which reach
--    nothing almost always, yet fire the statement triggers of
--    user_achievements (the audit trail) and notifications (the inbox) with
--    no rows. Unlocks now run (achievements_unlock()) only when a goal is reached.
-- 3. PL/pgSQL plans a statement that reads a variable for its parameter
--    values five times before it may keep a generic plan, and keeps planning
--    when the one-row plan looks cheaper than the generic one, which is
--    always. The check-in trigger functions now run with plan_cache_mode =
--    force_generic_plan: each statement is planned once per session.
--
-- A kept plan, generic or not, also keeps how many rows the session's first
-- call found in a transition table (PostgreSQL reads that when it parses the
-- statement). So no kept statement joins two sets of this statement's rows:
-- planned for one row, that join is a nested loop, quadratic in rows. An
-- update's old and new images are zipped in order instead (unnest of two
-- arrays), and the one-row check-in has statements of its own.
--
-- Measured in one run (npm run bench, README "The write path, step by step").
--> statement-breakpoint

-- What a statement's counts reached: a rider, an achievement and its goal,
-- and the gain that reached it (its moment, its check-in).
CREATE TYPE achievement_unlock AS (user_id uuid, achievement_id uuid, goal integer, moment timestamptz, checkin_id uuid);
--> statement-breakpoint

-- Unlocks what a statement's counts reached, in (rider, achievement) order:
-- the progress row (progress = goal, unlocked_at and created_at = the moment
-- of the gain that reached it) and its notification naming the check-in. A
-- concurrent unlock of the same achievement (the first INSERT then does
-- nothing) wrote its own notice, which this one meets in the unique index.
-- Internal: the check-in triggers call it when something was reached.
CREATE FUNCTION achievements_unlock(p_unlocks achievement_unlock[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  INSERT INTO public.user_achievements (user_id, achievement_id, goal, progress, unlocked_at, created_at)
  SELECT r.user_id, r.achievement_id, r.goal, r.goal, r.moment, r.moment FROM unnest(p_unlocks) AS r
   ORDER BY r.user_id, r.achievement_id
  ON CONFLICT (user_id, achievement_id) DO NOTHING;
  INSERT INTO public.notifications (user_id, kind, achievement_id, checkin_id, created_at)
  SELECT r.user_id, 'achievement_unlocked', r.achievement_id, r.checkin_id, r.moment FROM unnest(p_unlocks) AS r
  ON CONFLICT (user_id, achievement_id) WHERE kind = 'achievement_unlocked' DO NOTHING;
END
$$;
--> statement-breakpoint

-- As before (0011), with the unlocks left to achievements_unlock() when a
-- change reached a goal. Its statement is planned on every call, for the
-- array it is given (EXECUTE): a generic plan would take that array for 10
-- rows, whatever it holds. The statements it sets off (the foreign-key checks
-- of a new counter, the unlocks) keep the caller's plans.
CREATE OR REPLACE FUNCTION rider_metrics_apply(p_changes rider_metric_change[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  reached achievement_unlock[];
BEGIN
  EXECUTE $sql$
  WITH changes AS (
    SELECT c.user_id, c.metric, c.delta, c.moments, c.checkin_ids FROM unnest($1) AS c WHERE c.delta <> 0 OR cardinality(c.moments) > 0
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
  applied AS (SELECT * FROM moved UNION ALL SELECT * FROM created)
  SELECT array_agg(ROW(r.user_id, r.achievement_id, r.goal, r.moment, r.checkin_id)::public.achievement_unlock
                   ORDER BY r.user_id, r.achievement_id)
    FROM (SELECT c.user_id, a.id AS achievement_id, a.goal,
           c.moments[a.goal - (ap.value - cardinality(c.moments))] AS moment,
           c.checkin_ids[a.goal - (ap.value - cardinality(c.moments))] AS checkin_id
      FROM changes c
      JOIN applied ap ON ap.user_id = c.user_id AND ap.metric = c.metric
      JOIN public.achievements a ON a.metric = c.metric AND a.goal > ap.value - cardinality(c.moments) AND a.goal <= ap.value
     WHERE NOT EXISTS (SELECT 1 FROM public.user_achievements ua WHERE ua.user_id = c.user_id AND ua.achievement_id = a.id)) r
  $sql$
    INTO reached
    USING p_changes;
  IF reached IS NOT NULL THEN
    PERFORM public.achievements_unlock(reached);
  END IF;
END
$$;
--> statement-breakpoint

-- As before (0014), with its plans kept per session (see the header). An
-- update's nth old row is still paired with its nth new row, now by zipping
-- the two in order (unnest of two arrays) rather than joining them on a row
-- number: a join planned for one row is a nested loop, quadratic in rows.
CREATE OR REPLACE FUNCTION audit_row_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  key_columns text[] := string_to_array(TG_ARGV[0], ',');
  redacted_columns text[] := string_to_array(coalesce(TG_ARGV[1], ''), ',');
  subject_column text := nullif(TG_ARGV[2], '');
  actor uuid := coalesce(current_rider_id(), nullif(current_setting('skatehubba.actor_id', true), '')::uuid);
  key1 text := key_columns[1];
  key2 text := key_columns[2];
  -- An insert's or delete's row is to_jsonb() of the table's row: it holds a
  -- redacted column exactly when the table has it, so the mask is found once
  -- per statement, in the catalog, rather than once per row.
  mask jsonb;
BEGIN
  IF TG_LEVEL <> 'STATEMENT' THEN
    RAISE EXCEPTION 'audit_row_change() runs FOR EACH STATEMENT with transition tables, not FOR EACH ROW (on %)', TG_TABLE_NAME;
  END IF;
  -- A statement of many rows plans its INSERT with this statement's values
  -- folded in (about 15% less time in a 5,000-row load); one row reuses the
  -- plan kept for the session. The setting lasts until this call returns.
  IF TG_OP = 'DELETE' THEN
    IF EXISTS (SELECT 1 FROM old_rows OFFSET 1) THEN
      PERFORM set_config('plan_cache_mode', 'force_custom_plan', true);
    END IF;
  ELSIF EXISTS (SELECT 1 FROM new_rows OFFSET 1) THEN
    PERFORM set_config('plan_cache_mode', 'force_custom_plan', true);
  END IF;
  -- target_id is the key columns joined by '/': one or two of them.
  IF cardinality(key_columns) NOT BETWEEN 1 AND 2 THEN
    RAISE EXCEPTION 'audit_row_change(): % names % key columns; one or two are supported', TG_TABLE_NAME, cardinality(key_columns);
  END IF;

  IF TG_OP = 'UPDATE' THEN
    INSERT INTO audit_logs (actor_id, subject_id, action, target_table, target_id, changes)
    SELECT actor,
           coalesce(p.new_j ->> subject_column, p.old_j ->> subject_column)::uuid,
           'update',
           TG_TABLE_NAME,
           concat_ws('/', p.new_j ->> key1, p.new_j ->> key2),
           (SELECT coalesce(jsonb_object_agg(c.key, CASE WHEN c.key = ANY (redacted_columns)
                                                         THEN '["[redacted]","[redacted]"]'::jsonb
                                                         ELSE jsonb_build_array(p.old_j -> c.key, c.value) END), '{}'::jsonb)
              FROM jsonb_each(p.new_j) AS c
             WHERE c.value IS DISTINCT FROM p.old_j -> c.key)
      FROM unnest(ARRAY(SELECT to_jsonb(r) FROM old_rows r), ARRAY(SELECT to_jsonb(r) FROM new_rows r)) WITH ORDINALITY AS p(old_j, new_j, pos)
     ORDER BY p.pos;
  ELSE
    SELECT coalesce(jsonb_object_agg(a.attname, '"[redacted]"'::jsonb), '{}'::jsonb) INTO mask
      FROM pg_attribute a
     WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND NOT a.attisdropped AND a.attname = ANY (redacted_columns);
  END IF;

  IF TG_OP = 'INSERT' THEN
    INSERT INTO audit_logs (actor_id, subject_id, action, target_table, target_id, changes)
    SELECT actor,
           (x.j ->> subject_column)::uuid,
           'insert',
           TG_TABLE_NAME,
           concat_ws('/', x.j ->> key1, x.j ->> key2),
           x.j || mask
      FROM (SELECT to_jsonb(r) AS j FROM new_rows r) x;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO audit_logs (actor_id, subject_id, action, target_table, target_id, changes)
    SELECT actor,
           (x.j ->> subject_column)::uuid,
           'delete',
           TG_TABLE_NAME,
           concat_ws('/', x.j ->> key1, x.j ->> key2),
           x.j || mask
      FROM (SELECT to_jsonb(r) AS j FROM old_rows r) x;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint

-- As before (0011), with each updated row's old and new image paired by
-- position (as audit_row_change() pairs them) instead of joined on id: an
-- archival of 5,000 check-ins on a connection whose plan was made for a
-- one-row update took 1.3 s that way, 0.25 s on a fresh one (0.22 s paired).
CREATE OR REPLACE FUNCTION checkins_count_updated() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  PERFORM public.rider_metrics_apply(ARRAY(
    SELECT ROW(e.user_id, e.metric, sum(e.delta)::integer,
               coalesce(array_agg(now()) FILTER (WHERE e.delta > 0), '{}'),
               coalesce(array_agg(e.checkin_id ORDER BY e.checkin_id) FILTER (WHERE e.delta > 0), '{}'))::public.rider_metric_change
      FROM (
        WITH changed AS (
          SELECT c.id, c.old_user, c.new_user, c.old_live, c.new_live, c.old_landed, c.new_landed
            FROM unnest(ARRAY(SELECT n.id FROM new_rows n),
                        ARRAY(SELECT o.user_id FROM old_rows o), ARRAY(SELECT n.user_id FROM new_rows n),
                        ARRAY(SELECT o.archived_at IS NULL FROM old_rows o), ARRAY(SELECT n.archived_at IS NULL FROM new_rows n),
                        ARRAY(SELECT o.archived_at IS NULL AND o.trick_status = 'landed' FROM old_rows o),
                        ARRAY(SELECT n.archived_at IS NULL AND n.trick_status = 'landed' FROM new_rows n))
                 AS c(id, old_user, new_user, old_live, new_live, old_landed, new_landed)
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

-- New check-ins only add. One row (the API's check-in): its counters move by
-- one each, with plans kept for one row; an achievement is reached when a
-- counter lands on its goal. More rows (a load, an import): the set-based
-- pass of 0011 through rider_metrics_apply(), planned for their number. Both
-- count the same: a live check-in counts toward checkins, a live landed one
-- toward landed, and a (rider, spot) pair toward distinct_spots from its
-- first live check-in (for one row: no other live check-in at the pair; for
-- many: a LIMIT a+1 probe of checkins_user_spot_window_uq).
CREATE OR REPLACE FUNCTION checkins_count_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  reached achievement_unlock[];
BEGIN
  IF EXISTS (SELECT 1 FROM new_rows OFFSET 1) THEN
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
  END IF;
  WITH gains AS (
    SELECT n.user_id, x.metric, n.created_at, n.id
      FROM new_rows n
     CROSS JOIN (VALUES ('checkins'::achievement_metric), ('landed'), ('distinct_spots')) AS x(metric)
     WHERE n.archived_at IS NULL
       AND (x.metric = 'checkins'
            OR (x.metric = 'landed' AND n.trick_status = 'landed')
            OR (x.metric = 'distinct_spots'
                AND NOT EXISTS (SELECT 1 FROM public.checkins c
                                 WHERE c.user_id = n.user_id AND c.spot_id = n.spot_id AND c.archived_at IS NULL AND c.id <> n.id)))
  ),
  applied AS (
    INSERT INTO public.rider_metrics AS m (user_id, metric, value)
    SELECT g.user_id, g.metric, 1 FROM gains g ORDER BY g.user_id, g.metric
    ON CONFLICT (user_id, metric) DO UPDATE SET value = m.value + excluded.value
    RETURNING m.user_id, m.metric, m.value
  )
  SELECT array_agg(ROW(g.user_id, a.id, a.goal, g.created_at, g.id)::public.achievement_unlock ORDER BY a.id)
    INTO reached
    FROM applied ap
    JOIN gains g ON g.user_id = ap.user_id AND g.metric = ap.metric
    JOIN public.achievements a ON a.metric = ap.metric AND a.goal = ap.value
   WHERE NOT EXISTS (SELECT 1 FROM public.user_achievements ua WHERE ua.user_id = ap.user_id AND ua.achievement_id = a.id);
  IF reached IS NOT NULL THEN
    PERFORM public.achievements_unlock(reached);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint

-- New check-ins only add: per (spot, rider) and per rider one upsert each, in
-- key order, the spot board's first (leaderboards_apply()'s lock order), so
-- concurrent check-ins cannot deadlock and riders at one spot move different
-- rows. A gain is never negative, so the upsert's proposed row passes the
-- landed >= 0 CHECKs. The window as before (0013). Neither statement joins
-- two sets, so the plan kept for one row serves any number.
CREATE OR REPLACE FUNCTION checkins_leaderboard_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  window_start timestamptz;
BEGIN
  IF EXISTS (SELECT 1 FROM new_rows n WHERE n.created_at < now() - make_interval(days => public.leaderboard_days() - 2)) THEN
    SELECT w.starts_at INTO window_start FROM public.leaderboard_window w FOR SHARE;
  ELSE
    SELECT w.starts_at INTO window_start FROM public.leaderboard_window w;
  END IF;
  INSERT INTO public.spot_leaderboard_entries AS e (spot_id, user_id, landed)
  SELECT n.spot_id, n.user_id, count(*)::integer FROM new_rows n
   WHERE n.trick_status = 'landed' AND n.archived_at IS NULL AND n.created_at >= window_start
   GROUP BY n.spot_id, n.user_id ORDER BY n.spot_id, n.user_id
  ON CONFLICT (spot_id, user_id) DO UPDATE SET landed = e.landed + excluded.landed;
  IF FOUND THEN
    INSERT INTO public.leaderboard_entries AS e (user_id, landed)
    SELECT n.user_id, count(*)::integer FROM new_rows n
     WHERE n.trick_status = 'landed' AND n.archived_at IS NULL AND n.created_at >= window_start
     GROUP BY n.user_id ORDER BY n.user_id
    ON CONFLICT (user_id) DO UPDATE SET landed = e.landed + excluded.landed;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint

-- As before (0013), its statement planned on every call for the array it is
-- given (EXECUTE), as rider_metrics_apply() above.
CREATE OR REPLACE FUNCTION leaderboards_apply(p_changes leaderboard_change[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  EXECUTE $sql$
  WITH changes AS (
    SELECT c.spot_id, c.user_id, sum(c.delta)::integer AS delta FROM unnest($1) AS c
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
  $sql$
    USING p_changes;
END
$$;
--> statement-breakpoint

-- The other check-in triggers keep their bodies, with plans kept per session.
ALTER FUNCTION checkins_leaderboard_updated() SET plan_cache_mode = force_generic_plan;
--> statement-breakpoint
ALTER FUNCTION checkins_leaderboard_deleted() SET plan_cache_mode = force_generic_plan;
--> statement-breakpoint
ALTER FUNCTION checkins_count_deleted() SET plan_cache_mode = force_generic_plan;
--> statement-breakpoint

ALTER TYPE achievement_unlock OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION achievements_unlock(achievement_unlock[]) OWNER TO skatehubba_owner;
--> statement-breakpoint
REVOKE ALL ON FUNCTION achievements_unlock(achievement_unlock[]) FROM PUBLIC;
