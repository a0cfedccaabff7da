-- distinct_spots without a race. A check-in statement decides whether it
-- adds or removes a (rider, spot) pair from distinct_spots by looking for the
-- rider's other live check-ins at that spot, and a concurrent statement's
-- uncommitted check-in is invisible to it. So 16 first check-ins at a new
-- spot by one rider, all in flight at once, counted the spot 16 times, and
-- archiving or deleting the last 16 at once left it counted (checkins and
-- landed are pure increments and were always exact; concurrency.int.test.ts
-- races both). Landed check-ins were mostly spared by the leaderboard row
-- they wait on, bailed ones not at all.
--
-- Each counting trigger now first locks its riders' users rows (FOR NO KEY
-- UPDATE, which 0017's users_owner_lock_pol lets the owner take; in id
-- order, so two statements of many riders queue rather than deadlock) and
-- looks for other check-ins only after it holds them: in READ
-- COMMITTED each statement of the function takes a new snapshot, so a
-- statement that waited sees what the one before it committed. A rider's
-- check-in writes already queued on their rider_metrics rows; they now queue
-- one statement earlier. The users row, not an advisory lock: foreign-key
-- checks (FOR KEY SHARE) do not conflict with it, so other riders' and the
-- same rider's saves and sessions go on, and a row lock lives in the tuple,
-- not in the shared lock table, so a load of a million check-ins in one
-- transaction holds it for 100k riders without running out of lock slots.
-- In REPEATABLE READ the snapshot does not move, and the second writer meets
-- the first's rider_metrics update as a serialization failure (40001) to retry.
--
-- The lock is its own statement over a scan of the transition table alone
-- (no join), so its kept plan is an index scan of users_pk whatever the
-- number of rows the session's first call had.
--> statement-breakpoint

-- 0015's function, with the riders locked first.
CREATE OR REPLACE FUNCTION checkins_count_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  reached achievement_unlock[];
BEGIN
  PERFORM 1 FROM public.users u
   WHERE u.id = ANY (ARRAY(SELECT n.user_id FROM new_rows n))
   ORDER BY u.id FOR NO KEY UPDATE;
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

-- 0015's function, with the riders locked first (the old and the new rider of
-- each row: an owner's update may move a check-in between riders).
CREATE OR REPLACE FUNCTION checkins_count_updated() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  PERFORM 1 FROM public.users u
   WHERE u.id = ANY (ARRAY(SELECT o.user_id FROM old_rows o UNION SELECT n.user_id FROM new_rows n))
   ORDER BY u.id FOR NO KEY UPDATE;
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

-- 0015's function, with the riders locked first. A rider being erased was
-- deleted by this transaction already: no row to lock, nothing to count.
CREATE OR REPLACE FUNCTION checkins_count_deleted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  PERFORM 1 FROM public.users u
   WHERE u.id = ANY (ARRAY(SELECT o.user_id FROM old_rows o))
   ORDER BY u.id FOR NO KEY UPDATE;
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
