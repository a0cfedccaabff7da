-- The audit trail, set-based: each audited table's row trigger becomes three
-- statement triggers with transition tables (PostgreSQL allows transition
-- tables only on a single-event trigger), and one statement that touches N
-- rows writes its N audit rows with one INSERT ... SELECT, instead of a
-- plpgsql call and an INSERT per row. What the trail holds is unchanged: the
-- actor, the subject, the key as target_id, the whole row on insert and
-- delete, the changed columns only as [old, new] on update, the same columns
-- left out at capture, one row per row changed (a no-op update included), in
-- the writing transaction (a rollback removes them with the change).
--
-- Order: within one statement the rows are written in the order the
-- statement changed them; an INSERT ... ON CONFLICT DO UPDATE writes its
-- updated rows before its inserted ones (PostgreSQL queues the UPDATE
-- statement trigger first), where row triggers interleaved them. Across tables, a cascade's rows come before its
-- parent's, as before; a statement's rows now come before the rows of the
-- other tables its own statement triggers write (checkins_metrics_*_trg and
-- checkins_leaderboard_*_trg sort after checkins_audit_*_trg), as before.
--
-- Arguments, as before: TG_ARGV[0] the key columns (comma-separated, key
-- order), TG_ARGV[1] the columns left out (comma-separated, may be empty),
-- TG_ARGV[2] the column naming the rider a row is about (may be empty).
-- Transition tables: old_rows (UPDATE, DELETE) and new_rows (INSERT, UPDATE).
-- An update's nth old row is its nth new row's before-image: PostgreSQL
-- appends both images of each updated row together, so they pair by
-- position, which also pairs a row whose key changed.
CREATE OR REPLACE FUNCTION audit_row_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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
  -- target_id is the key columns joined by '/': one or two of them.
  IF cardinality(key_columns) NOT BETWEEN 1 AND 2 THEN
    RAISE EXCEPTION 'audit_row_change(): % names % key columns; one or two are supported', TG_TABLE_NAME, cardinality(key_columns);
  END IF;

  IF TG_OP = 'UPDATE' THEN
    INSERT INTO audit_logs (actor_id, subject_id, action, target_table, target_id, changes)
    SELECT actor,
           coalesce(n.j ->> subject_column, o.j ->> subject_column)::uuid,
           'update',
           TG_TABLE_NAME,
           concat_ws('/', n.j ->> key1, n.j ->> key2),
           (SELECT coalesce(jsonb_object_agg(c.key, CASE WHEN c.key = ANY (redacted_columns)
                                                         THEN '["[redacted]","[redacted]"]'::jsonb
                                                         ELSE jsonb_build_array(o.j -> c.key, c.value) END), '{}'::jsonb)
              FROM jsonb_each(n.j) AS c
             WHERE c.value IS DISTINCT FROM o.j -> c.key)
      FROM (SELECT to_jsonb(r) AS j, row_number() OVER () AS pos FROM old_rows r) o
      JOIN (SELECT to_jsonb(r) AS j, row_number() OVER () AS pos FROM new_rows r) n USING (pos)
     ORDER BY pos;
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

-- Each audited table: the row trigger goes, one statement trigger per event comes,
-- named <table>_audit_<event>_trg like the other statement triggers, with the same arguments.
--> statement-breakpoint
DROP TRIGGER users_audit_trg ON users;
--> statement-breakpoint
CREATE TRIGGER users_audit_insert_trg AFTER INSERT ON users REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('id', 'email', 'id');
--> statement-breakpoint
CREATE TRIGGER users_audit_update_trg AFTER UPDATE ON users REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('id', 'email', 'id');
--> statement-breakpoint
CREATE TRIGGER users_audit_delete_trg AFTER DELETE ON users REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('id', 'email', 'id');
--> statement-breakpoint
DROP TRIGGER sessions_audit_trg ON sessions;
--> statement-breakpoint
CREATE TRIGGER sessions_audit_insert_trg AFTER INSERT ON sessions REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('id', 'token_hash', 'user_id');
--> statement-breakpoint
CREATE TRIGGER sessions_audit_update_trg AFTER UPDATE ON sessions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('id', 'token_hash', 'user_id');
--> statement-breakpoint
CREATE TRIGGER sessions_audit_delete_trg AFTER DELETE ON sessions REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('id', 'token_hash', 'user_id');
--> statement-breakpoint
DROP TRIGGER spots_audit_trg ON spots;
--> statement-breakpoint
CREATE TRIGGER spots_audit_insert_trg AFTER INSERT ON spots REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('id', '', 'created_by');
--> statement-breakpoint
CREATE TRIGGER spots_audit_update_trg AFTER UPDATE ON spots REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('id', '', 'created_by');
--> statement-breakpoint
CREATE TRIGGER spots_audit_delete_trg AFTER DELETE ON spots REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('id', '', 'created_by');
--> statement-breakpoint
DROP TRIGGER saved_spots_audit_trg ON saved_spots;
--> statement-breakpoint
CREATE TRIGGER saved_spots_audit_insert_trg AFTER INSERT ON saved_spots REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('user_id,spot_id', '', 'user_id');
--> statement-breakpoint
CREATE TRIGGER saved_spots_audit_update_trg AFTER UPDATE ON saved_spots REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('user_id,spot_id', '', 'user_id');
--> statement-breakpoint
CREATE TRIGGER saved_spots_audit_delete_trg AFTER DELETE ON saved_spots REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('user_id,spot_id', '', 'user_id');
--> statement-breakpoint
DROP TRIGGER checkins_audit_trg ON checkins;
--> statement-breakpoint
CREATE TRIGGER checkins_audit_insert_trg AFTER INSERT ON checkins REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('id', 'note', 'user_id');
--> statement-breakpoint
CREATE TRIGGER checkins_audit_update_trg AFTER UPDATE ON checkins REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('id', 'note', 'user_id');
--> statement-breakpoint
CREATE TRIGGER checkins_audit_delete_trg AFTER DELETE ON checkins REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('id', 'note', 'user_id');
--> statement-breakpoint
DROP TRIGGER achievements_audit_trg ON achievements;
--> statement-breakpoint
CREATE TRIGGER achievements_audit_insert_trg AFTER INSERT ON achievements REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('id', '', '');
--> statement-breakpoint
CREATE TRIGGER achievements_audit_update_trg AFTER UPDATE ON achievements REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('id', '', '');
--> statement-breakpoint
CREATE TRIGGER achievements_audit_delete_trg AFTER DELETE ON achievements REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('id', '', '');
--> statement-breakpoint
DROP TRIGGER user_achievements_audit_trg ON user_achievements;
--> statement-breakpoint
CREATE TRIGGER user_achievements_audit_insert_trg AFTER INSERT ON user_achievements REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('user_id,achievement_id', '', 'user_id');
--> statement-breakpoint
CREATE TRIGGER user_achievements_audit_update_trg AFTER UPDATE ON user_achievements REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('user_id,achievement_id', '', 'user_id');
--> statement-breakpoint
CREATE TRIGGER user_achievements_audit_delete_trg AFTER DELETE ON user_achievements REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audit_row_change('user_id,achievement_id', '', 'user_id');
