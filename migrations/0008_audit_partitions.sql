-- Erasure and retention: audit_logs becomes a table partitioned by month
-- (native partitioning, so PGlite, the server and Neon run this same file),
-- the trail learns whom each row is about (subject_id), a rider can be erased
-- and exported, and old partitions and dead sessions can be retired.
-- Every function here is owned by skatehubba_owner; the definer ones pin
-- search_path with pg_temp last and are executable by no one but the roles
-- granted at the end.

-- Monthly partitions live in their own schema, which no role but the owner
-- may even name: every read and write goes through public.audit_logs and its
-- policies. Partitions are audit_partitions.audit_logs_YYYY_MM (UTC months)
-- and audit_partitions.audit_logs_default.
CREATE SCHEMA audit_partitions;
--> statement-breakpoint
ALTER SCHEMA audit_partitions OWNER TO skatehubba_owner;
--> statement-breakpoint
REVOKE ALL ON SCHEMA audit_partitions FROM PUBLIC;
--> statement-breakpoint

-- The tombstone table (0007) joins the others: owned by the owner, forced RLS,
-- read by support.
ALTER TABLE rider_erasures FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rider_erasures OWNER TO skatehubba_owner;
--> statement-breakpoint
REVOKE ALL ON rider_erasures FROM PUBLIC;
--> statement-breakpoint
GRANT SELECT ON rider_erasures TO skatehubba_readonly;
--> statement-breakpoint

-- SHA-256 of a rider id, as the tombstone stores it.
CREATE FUNCTION rider_digest(p_user_id uuid) RETURNS text LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT encode(sha256(convert_to(p_user_id::text, 'UTF8')), 'hex')
$$;
--> statement-breakpoint

-- How long the trail is kept: a partition goes once its last instant is older
-- than this many months, so every row is kept at least 13 months and at most 14.
CREATE FUNCTION audit_retention_months() RETURNS integer LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, public, pg_temp AS $$ SELECT 13 $$;
--> statement-breakpoint

-- Partitions made ahead of the current month: maintenance may skip this many
-- months before a write lands in the default partition.
CREATE FUNCTION audit_partitions_ahead() RETURNS integer LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, public, pg_temp AS $$ SELECT 3 $$;
--> statement-breakpoint

-- A session ended (expired or revoked) this many days ago is pruned.
CREATE FUNCTION session_prune_grace_days() RETURNS integer LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, public, pg_temp AS $$ SELECT 30 $$;
--> statement-breakpoint

-- The columns erase_rider() blanks in the trail rows about the erased rider.
-- The rest of those rows stays: ids (the rider's own replaced by a pseudonym),
-- timestamps, enums, progress, and spots' content (spots stay on the map).
CREATE FUNCTION audit_erased_columns() RETURNS jsonb LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT '{"users": ["handle", "display_name", "avatar_url", "email"], "checkins": ["note", "media_url"], "sessions": ["token_hash"]}'::jsonb
$$;
--> statement-breakpoint

-- Move the unpartitioned table aside with its rows, indexes and triggers; the
-- new parent takes the names.
ALTER TABLE audit_logs SET SCHEMA audit_partitions;
--> statement-breakpoint
-- Clients never see this name: the new audit_logs replaces it in the same transaction.
-- squawk-ignore renaming-table
ALTER TABLE audit_partitions.audit_logs RENAME TO audit_logs_unpartitioned;
--> statement-breakpoint
CREATE TABLE audit_logs (
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "audit_logs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"actor_id" uuid,
	"action" text NOT NULL,
	"target_table" text NOT NULL,
	"target_id" text NOT NULL,
	"changes" jsonb NOT NULL,
	"transaction_id" bigint DEFAULT txid_current() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"subject_id" uuid,
	CONSTRAINT "audit_logs_pk" PRIMARY KEY("id", "created_at"),
	CONSTRAINT "audit_logs_action_ck" CHECK ("audit_logs"."action" IN ('insert', 'update', 'delete'))
) PARTITION BY RANGE ("created_at");
--> statement-breakpoint
CREATE INDEX "audit_logs_target_idx" ON "audit_logs" USING btree ("target_table","target_id","id");
--> statement-breakpoint
CREATE INDEX "audit_logs_actor_id_idx" ON "audit_logs" USING btree ("actor_id","id");
--> statement-breakpoint
CREATE INDEX "audit_logs_subject_id_idx" ON "audit_logs" USING btree ("subject_id","id");
--> statement-breakpoint
ALTER TABLE audit_logs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE audit_logs FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "audit_logs_readonly_pol" ON "audit_logs" AS PERMISSIVE FOR SELECT TO "skatehubba_readonly" USING (true);
--> statement-breakpoint
CREATE POLICY "audit_logs_owner_append_pol" ON "audit_logs" AS PERMISSIVE FOR INSERT TO "skatehubba_owner" WITH CHECK (true);
--> statement-breakpoint
CREATE POLICY "audit_logs_owner_read_pol" ON "audit_logs" AS PERMISSIVE FOR SELECT TO "skatehubba_owner" USING (true);
--> statement-breakpoint
CREATE POLICY "audit_logs_owner_redact_pol" ON "audit_logs" AS PERMISSIVE FOR UPDATE TO "skatehubba_owner" USING (true) WITH CHECK (true);
--> statement-breakpoint
ALTER TABLE audit_logs OWNER TO skatehubba_owner;
--> statement-breakpoint
REVOKE ALL ON audit_logs FROM PUBLIC;
--> statement-breakpoint
GRANT SELECT ON audit_logs TO skatehubba_readonly;
--> statement-breakpoint

-- Append-only, with one way past it: a transaction that wrote a tombstone (an
-- erasure, erase_rider()) may rewrite who a row names (actor_id, subject_id,
-- target_id, changes) and nothing else; no transaction may DELETE. Definer: the
-- check reads rider_erasures, which no caller may read.
CREATE OR REPLACE FUNCTION audit_logs_refuse_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND NEW.id = OLD.id AND NEW.action = OLD.action AND NEW.target_table = OLD.target_table
     AND NEW.created_at = OLD.created_at AND NEW.transaction_id = OLD.transaction_id
     AND EXISTS (SELECT 1 FROM public.rider_erasures e WHERE e.transaction_id = txid_current()) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_logs is append-only: % refused', TG_OP
    USING ERRCODE = 'restrict_violation',
          CONSTRAINT = 'audit_logs_append_only_trg',
          TABLE = 'audit_logs',
          HINT = 'Audit rows are never changed or removed; record a correction as a new change instead.';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_logs_append_only_trg BEFORE UPDATE OR DELETE ON audit_logs FOR EACH ROW EXECUTE FUNCTION audit_logs_refuse_change();
--> statement-breakpoint
-- Statement triggers are not cloned to partitions: audit_logs_ensure_partition()
-- gives each partition its own.
CREATE TRIGGER audit_logs_no_truncate_trg BEFORE TRUNCATE ON audit_logs FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_refuse_change();
--> statement-breakpoint

-- The partition for the UTC month that starts at p_month (a UTC wall-clock
-- timestamp truncated to the month); returns its name if it was created now,
-- NULL if it existed. Internal: called by the maintenance and this migration.
CREATE FUNCTION audit_logs_ensure_partition(p_month timestamp) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  month_start timestamp := date_trunc('month', p_month);
  name text := 'audit_logs_' || to_char(date_trunc('month', p_month), 'YYYY_MM');
BEGIN
  IF to_regclass(format('audit_partitions.%I', name)) IS NOT NULL THEN
    RETURN NULL;
  END IF;
  EXECUTE format(
    'CREATE TABLE audit_partitions.%I PARTITION OF public.audit_logs FOR VALUES FROM (%L) TO (%L)',
    name, month_start AT TIME ZONE 'UTC', (month_start + interval '1 month') AT TIME ZONE 'UTC'
  );
  EXECUTE format(
    'CREATE TRIGGER audit_logs_no_truncate_trg BEFORE TRUNCATE ON audit_partitions.%I FOR EACH STATEMENT EXECUTE FUNCTION public.audit_logs_refuse_change()',
    name
  );
  RETURN name;
END
$$;
--> statement-breakpoint
CREATE FUNCTION audit_logs_ensure_default_partition() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF to_regclass('audit_partitions.audit_logs_default') IS NULL THEN
    CREATE TABLE audit_partitions.audit_logs_default PARTITION OF public.audit_logs DEFAULT;
    CREATE TRIGGER audit_logs_no_truncate_trg BEFORE TRUNCATE ON audit_partitions.audit_logs_default
      FOR EACH STATEMENT EXECUTE FUNCTION public.audit_logs_refuse_change();
  END IF;
END
$$;
--> statement-breakpoint
ALTER FUNCTION audit_logs_refuse_change() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION audit_logs_ensure_partition(timestamp) OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION audit_logs_ensure_default_partition() OWNER TO skatehubba_owner;
--> statement-breakpoint

-- Partitions from the oldest row's month to this month + 3, and the default.
DO $$
DECLARE
  m timestamp;
BEGIN
  FOR m IN
    SELECT generate_series(
      date_trunc('month', coalesce(min(o.created_at), now()) AT TIME ZONE 'UTC'),
      date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => audit_partitions_ahead()),
      interval '1 month')
    FROM audit_partitions.audit_logs_unpartitioned o
  LOOP
    PERFORM audit_logs_ensure_partition(m);
  END LOOP;
  PERFORM audit_logs_ensure_default_partition();
END
$$;
--> statement-breakpoint

-- Every row, with its id, in id order. subject_id: users rows are about the
-- user; saved_spots and user_achievements carry the rider in their key;
-- sessions and check-ins in user_id, which an update row does not repeat (it
-- never changes), so it comes from the row's insert; spots in created_by.
INSERT INTO audit_logs (id, actor_id, action, target_table, target_id, changes, transaction_id, created_at, subject_id)
OVERRIDING SYSTEM VALUE
SELECT o.id, o.actor_id, o.action, o.target_table, o.target_id, o.changes, o.transaction_id, o.created_at,
       CASE o.target_table
         WHEN 'users' THEN o.target_id::uuid
         WHEN 'saved_spots' THEN split_part(o.target_id, '/', 1)::uuid
         WHEN 'user_achievements' THEN split_part(o.target_id, '/', 1)::uuid
         WHEN 'sessions' THEN coalesce(o.changes ->> 'user_id', first.changes ->> 'user_id')::uuid
         WHEN 'checkins' THEN coalesce(o.changes ->> 'user_id', first.changes ->> 'user_id')::uuid
         WHEN 'spots' THEN CASE WHEN o.action = 'update' AND jsonb_typeof(o.changes -> 'created_by') = 'array'
                                THEN coalesce(o.changes -> 'created_by' ->> 1, o.changes -> 'created_by' ->> 0)
                                ELSE coalesce(o.changes ->> 'created_by', first.changes ->> 'created_by') END::uuid
       END
  FROM audit_partitions.audit_logs_unpartitioned o
  LEFT JOIN LATERAL (
    SELECT f.changes FROM audit_partitions.audit_logs_unpartitioned f
     WHERE o.action = 'update' AND f.target_table = o.target_table AND f.target_id = o.target_id AND f.action = 'insert'
     ORDER BY f.id LIMIT 1
  ) first ON true
 ORDER BY o.id;
--> statement-breakpoint
SELECT setval(pg_get_serial_sequence('audit_logs', 'id'), coalesce((SELECT max(id) FROM audit_logs), 0) + 1, false);
--> statement-breakpoint
-- Every row was copied above, with its id.
-- squawk-ignore ban-drop-table
DROP TABLE audit_partitions.audit_logs_unpartitioned;
--> statement-breakpoint

-- Capture: each audited table names its key, the columns left out of the
-- trail, and the column that says which rider a row is about (subject_id).
-- Left out at capture: users.email (support reads the trail and must not read
-- contact data), sessions.token_hash (a secret), checkins.note (free text the
-- trail does not need: that a note changed is kept, not what it says).
CREATE OR REPLACE FUNCTION audit_row_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  key_columns text[] := string_to_array(TG_ARGV[0], ',');
  redacted_columns text[] := string_to_array(coalesce(TG_ARGV[1], ''), ',');
  subject_column text := nullif(TG_ARGV[2], '');
  old_row jsonb;
  new_row jsonb;
  summary jsonb;
  target text;
  subject uuid;
  col text;
BEGIN
  IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD); END IF;
  IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW); END IF;

  SELECT string_agg(coalesce(new_row, old_row) ->> k.name, '/' ORDER BY k.ord)
    INTO target
    FROM unnest(key_columns) WITH ORDINALITY AS k(name, ord);

  IF subject_column IS NOT NULL THEN
    subject := coalesce(new_row ->> subject_column, old_row ->> subject_column)::uuid;
  END IF;

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

  INSERT INTO audit_logs (actor_id, subject_id, action, target_table, target_id, changes)
  VALUES (
    coalesce(current_rider_id(), nullif(current_setting('skatehubba.actor_id', true), '')::uuid),
    subject,
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
CREATE TRIGGER users_audit_trg AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION audit_row_change('id', 'email', 'id');
--> statement-breakpoint
DROP TRIGGER sessions_audit_trg ON sessions;
--> statement-breakpoint
CREATE TRIGGER sessions_audit_trg AFTER INSERT OR UPDATE OR DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION audit_row_change('id', 'token_hash', 'user_id');
--> statement-breakpoint
DROP TRIGGER spots_audit_trg ON spots;
--> statement-breakpoint
CREATE TRIGGER spots_audit_trg AFTER INSERT OR UPDATE OR DELETE ON spots FOR EACH ROW EXECUTE FUNCTION audit_row_change('id', '', 'created_by');
--> statement-breakpoint
DROP TRIGGER saved_spots_audit_trg ON saved_spots;
--> statement-breakpoint
CREATE TRIGGER saved_spots_audit_trg AFTER INSERT OR UPDATE OR DELETE ON saved_spots FOR EACH ROW EXECUTE FUNCTION audit_row_change('user_id,spot_id', '', 'user_id');
--> statement-breakpoint
DROP TRIGGER checkins_audit_trg ON checkins;
--> statement-breakpoint
CREATE TRIGGER checkins_audit_trg AFTER INSERT OR UPDATE OR DELETE ON checkins FOR EACH ROW EXECUTE FUNCTION audit_row_change('id', 'note', 'user_id');
--> statement-breakpoint
DROP TRIGGER achievements_audit_trg ON achievements;
--> statement-breakpoint
CREATE TRIGGER achievements_audit_trg AFTER INSERT OR UPDATE OR DELETE ON achievements FOR EACH ROW EXECUTE FUNCTION audit_row_change('id', '', '');
--> statement-breakpoint
DROP TRIGGER user_achievements_audit_trg ON user_achievements;
--> statement-breakpoint
CREATE TRIGGER user_achievements_audit_trg AFTER INSERT OR UPDATE OR DELETE ON user_achievements FOR EACH ROW EXECUTE FUNCTION audit_row_change('user_id,achievement_id', '', 'user_id');
--> statement-breakpoint

-- Tombstones: an erased id never becomes a user again (a retried sign-up, a
-- replayed request). Definer: the check reads rider_erasures.
CREATE FUNCTION users_refuse_erased() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM public.rider_erasures e WHERE e.rider_digest = public.rider_digest(NEW.id)) THEN
    RAISE EXCEPTION 'rider % was erased; the id cannot be used again', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'users_erased_guard', TABLE = 'users',
            HINT = 'Sign the person up as a new rider, with a new id.';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER users_not_erased_trg BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION users_refuse_erased();
--> statement-breakpoint

-- eraseRider(): the rider on themself, or staff without a rider. In one
-- transaction: the tombstone, the account and everything its foreign keys
-- take with it (sessions, check-ins, saved spots, progress; spots they created
-- stay with created_by NULL), then every audit row by or about the rider:
-- their id becomes one fresh random pseudonym, stored nowhere, and the
-- personal columns (audit_erased_columns()) become '[erased]'. No audit row is
-- removed. Last, one audit row for the erasure: who asked and how many rows
-- were redacted, with no link to the pseudonym. A retry after success returns
-- the first erasure with 0 rows.
CREATE FUNCTION erase_rider(p_user_id uuid)
RETURNS TABLE (erasure_id bigint, audit_rows_redacted integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  rider uuid := public.current_rider_id();
  staff_actor uuid := nullif(current_setting('skatehubba.actor_id', true), '')::uuid;
  digest text := public.rider_digest(p_user_id);
  pseudonym uuid := gen_random_uuid();
  erased jsonb := public.audit_erased_columns();
  erasure bigint;
  redacted integer;
BEGIN
  IF (rider IS NULL AND NOT public.session_is_staff()) OR (rider IS NOT NULL AND p_user_id IS DISTINCT FROM rider) THEN
    RAISE EXCEPTION 'a rider erases only their own account'
      USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'erase_rider_rider_guard', TABLE = 'users';
  END IF;

  -- A concurrent erasure of the same rider waits here, then takes the retry path.
  INSERT INTO public.rider_erasures AS e (rider_digest, requested_by)
  VALUES (digest, CASE WHEN rider IS NULL THEN 'staff' ELSE 'rider' END)
  ON CONFLICT (rider_digest) DO NOTHING
  RETURNING e.id INTO erasure;
  IF erasure IS NULL THEN
    RETURN QUERY SELECT e.id, 0 FROM public.rider_erasures e WHERE e.rider_digest = digest;
    RETURN;
  END IF;

  DELETE FROM public.users u WHERE u.id = p_user_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'rider % does not exist', p_user_id
      USING ERRCODE = 'no_data_found', CONSTRAINT = 'erase_rider_found_guard', TABLE = 'users';
  END IF;

  UPDATE public.audit_logs a
     SET actor_id = CASE WHEN a.actor_id = p_user_id THEN pseudonym ELSE a.actor_id END,
         subject_id = CASE WHEN a.subject_id = p_user_id THEN pseudonym ELSE a.subject_id END,
         target_id = replace(a.target_id, p_user_id::text, pseudonym::text),
         changes = replace((
           SELECT coalesce(jsonb_object_agg(
                    c.key,
                    CASE WHEN a.subject_id = p_user_id AND c.value <> 'null'::jsonb AND (erased -> a.target_table) ? c.key
                         THEN CASE WHEN a.action = 'update' THEN '["[erased]","[erased]"]'::jsonb ELSE '"[erased]"'::jsonb END
                         ELSE c.value END), '{}'::jsonb)
             FROM jsonb_each(a.changes) c
         )::text, p_user_id::text, pseudonym::text)::jsonb
   WHERE a.actor_id = p_user_id OR a.subject_id = p_user_id;
  GET DIAGNOSTICS redacted = ROW_COUNT;

  INSERT INTO public.audit_logs (actor_id, action, target_table, target_id, changes)
  VALUES (
    CASE WHEN rider IS NULL AND staff_actor IS DISTINCT FROM p_user_id THEN staff_actor END,
    'insert',
    'rider_erasures',
    erasure::text,
    jsonb_build_object('requested_by', CASE WHEN rider IS NULL THEN 'staff' ELSE 'rider' END, 'audit_rows_redacted', redacted)
  );
  RETURN QUERY SELECT erasure, redacted;
END
$$;
--> statement-breakpoint

-- exportRider(): everything held about a rider, as one JSON document a person
-- can read. The rider on themself, or staff without a rider. Sessions leave
-- out token_hash (a secret, not information about the person); audit rows by
-- the rider about someone else carry no changes.
CREATE FUNCTION export_rider(p_user_id uuid) RETURNS jsonb
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
--> statement-breakpoint

-- Audit maintenance, for a scheduled job (a staff login, no rider). One run at
-- a time (a transaction advisory lock: a concurrent call waits, then finds the
-- work done); running it twice changes nothing. In order:
-- 1. rows the default partition caught (maintenance missed a month) move to
--    their month partitions: the default is detached, replaced, its rows
--    re-inserted with their ids and dropped. DETACH holds audit_logs
--    exclusively until commit, so audited writes wait; none fails.
-- 2. partitions for this month and audit_partitions_ahead() more.
-- 3. partitions whose last instant is older than audit_retention_months()
--    are detached and dropped whole: rows are never DELETEd.
-- Each step it takes writes an audit row (target_table 'audit_logs').
CREATE FUNCTION maintain_audit_logs() RETURNS TABLE (action text, partition text, rows bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  actor uuid := nullif(current_setting('skatehubba.actor_id', true), '')::uuid;
  this_month timestamp := date_trunc('month', now() AT TIME ZONE 'UTC');
  horizon timestamptz := now() - make_interval(months => public.audit_retention_months());
  m timestamp;
  made text;
  moved bigint;
  held bigint;
  p record;
BEGIN
  IF public.current_rider_id() IS NOT NULL OR NOT public.session_is_staff() THEN
    RAISE EXCEPTION 'audit maintenance runs as staff (a login that is a member of skatehubba_owner), without a rider'
      USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'maintain_audit_logs_staff_guard', TABLE = 'audit_logs';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('skatehubba.maintain_audit_logs'));

  IF EXISTS (SELECT 1 FROM audit_partitions.audit_logs_default) THEN
    ALTER TABLE public.audit_logs DETACH PARTITION audit_partitions.audit_logs_default;
    ALTER TABLE audit_partitions.audit_logs_default RENAME TO audit_logs_default_moving;
    PERFORM public.audit_logs_ensure_default_partition();
    FOR m IN SELECT DISTINCT date_trunc('month', d.created_at AT TIME ZONE 'UTC') FROM audit_partitions.audit_logs_default_moving d ORDER BY 1 LOOP
      made := public.audit_logs_ensure_partition(m);
      IF made IS NOT NULL THEN
        action := 'created'; partition := made; rows := 0;
        RETURN NEXT;
        INSERT INTO public.audit_logs (actor_id, action, target_table, target_id, changes)
        VALUES (actor, 'insert', 'audit_logs', made, jsonb_build_object('partition', made, 'from', m AT TIME ZONE 'UTC', 'to', (m + interval '1 month') AT TIME ZONE 'UTC'));
      END IF;
    END LOOP;
    INSERT INTO public.audit_logs (id, actor_id, action, target_table, target_id, changes, transaction_id, created_at, subject_id)
    OVERRIDING SYSTEM VALUE
    SELECT d.id, d.actor_id, d.action, d.target_table, d.target_id, d.changes, d.transaction_id, d.created_at, d.subject_id
      FROM audit_partitions.audit_logs_default_moving d;
    GET DIAGNOSTICS moved = ROW_COUNT;
    DROP TABLE audit_partitions.audit_logs_default_moving;
    action := 'moved'; partition := 'audit_logs_default'; rows := moved;
    RETURN NEXT;
    INSERT INTO public.audit_logs (actor_id, action, target_table, target_id, changes)
    VALUES (actor, 'update', 'audit_logs', 'audit_logs_default', jsonb_build_object('partition', 'audit_logs_default', 'rows_moved', moved));
  END IF;

  FOR m IN SELECT generate_series(this_month, this_month + make_interval(months => public.audit_partitions_ahead()), interval '1 month') LOOP
    made := public.audit_logs_ensure_partition(m);
    IF made IS NOT NULL THEN
      action := 'created'; partition := made; rows := 0;
      RETURN NEXT;
      INSERT INTO public.audit_logs (actor_id, action, target_table, target_id, changes)
      VALUES (actor, 'insert', 'audit_logs', made, jsonb_build_object('partition', made, 'from', m AT TIME ZONE 'UTC', 'to', (m + interval '1 month') AT TIME ZONE 'UTC'));
    END IF;
  END LOOP;

  FOR p IN
    SELECT c.relname AS name, (to_timestamp(substr(c.relname, 12), 'YYYY_MM')::timestamp + interval '1 month') AS upper_bound
      FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'public.audit_logs'::regclass AND c.relname ~ '^audit_logs_[0-9]{4}_[0-9]{2}$'
     ORDER BY c.relname
  LOOP
    CONTINUE WHEN p.upper_bound AT TIME ZONE 'UTC' > horizon;
    EXECUTE format('SELECT count(*) FROM audit_partitions.%I', p.name) INTO held;
    EXECUTE format('ALTER TABLE public.audit_logs DETACH PARTITION audit_partitions.%I', p.name);
    EXECUTE format('DROP TABLE audit_partitions.%I', p.name);
    action := 'retired'; partition := p.name; rows := held;
    RETURN NEXT;
    INSERT INTO public.audit_logs (actor_id, action, target_table, target_id, changes)
    VALUES (actor, 'delete', 'audit_logs', p.name, jsonb_build_object('partition', p.name, 'rows', held, 'before', p.upper_bound AT TIME ZONE 'UTC'));
  END LOOP;
END
$$;
--> statement-breakpoint

-- Session pruning, for the same scheduled job: sessions that ended (expired or
-- revoked, whichever came first) more than session_prune_grace_days() ago.
-- Each deletion is audited like any other; sessions_ended_at_idx finds them.
CREATE FUNCTION prune_sessions() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  pruned integer;
BEGIN
  IF public.current_rider_id() IS NOT NULL OR NOT public.session_is_staff() THEN
    RAISE EXCEPTION 'session pruning runs as staff (a login that is a member of skatehubba_owner), without a rider'
      USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'prune_sessions_staff_guard', TABLE = 'sessions';
  END IF;
  DELETE FROM public.sessions s
   WHERE least(s.expires_at, s.revoked_at) < now() - make_interval(days => public.session_prune_grace_days());
  GET DIAGNOSTICS pruned = ROW_COUNT;
  RETURN pruned;
END
$$;
--> statement-breakpoint

ALTER FUNCTION rider_digest(uuid) OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION audit_retention_months() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION audit_partitions_ahead() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION session_prune_grace_days() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION audit_erased_columns() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION users_refuse_erased() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION erase_rider(uuid) OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION export_rider(uuid) OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION maintain_audit_logs() OWNER TO skatehubba_owner;
--> statement-breakpoint
ALTER FUNCTION prune_sessions() OWNER TO skatehubba_owner;
--> statement-breakpoint
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
--> statement-breakpoint
-- The rider erases and exports themself; maintenance is the owner's members' alone.
GRANT EXECUTE ON FUNCTION erase_rider(uuid) TO authenticated;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION export_rider(uuid) TO authenticated;
