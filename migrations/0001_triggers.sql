-- Triggers and functions drizzle-kit cannot model. One statement per chunk:
-- PGlite refuses several commands in one chunk.

-- updated_at: set from created_at on insert, moved to now() by any update that
-- changes the row (raw SQL included), left alone by a no-op update.
CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.updated_at := NEW.created_at;
  ELSIF NEW IS DISTINCT FROM OLD THEN
    NEW.updated_at := now();
  ELSE
    NEW.updated_at := OLD.updated_at;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER users_updated_at_trg BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
CREATE TRIGGER sessions_updated_at_trg BEFORE INSERT OR UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
CREATE TRIGGER spots_updated_at_trg BEFORE INSERT OR UPDATE ON spots FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
CREATE TRIGGER checkins_updated_at_trg BEFORE INSERT OR UPDATE ON checkins FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
CREATE TRIGGER achievements_updated_at_trg BEFORE INSERT OR UPDATE ON achievements FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
CREATE TRIGGER user_achievements_updated_at_trg BEFORE INSERT OR UPDATE ON user_achievements FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint

-- Audit trail. Arguments: TG_ARGV[0] the key columns (comma-separated, key
-- order), TG_ARGV[1] the columns to redact (comma-separated, may be empty).
-- The actor is the transaction-local setting skatehubba.actor_id (withActor()).
CREATE FUNCTION audit_row_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
    nullif(current_setting('skatehubba.actor_id', true), '')::uuid,
    lower(TG_OP),
    TG_TABLE_NAME,
    target,
    summary
  );
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER users_audit_trg AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION audit_row_change('id', '');
--> statement-breakpoint
CREATE TRIGGER sessions_audit_trg AFTER INSERT OR UPDATE OR DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION audit_row_change('id', 'token_hash');
--> statement-breakpoint
CREATE TRIGGER spots_audit_trg AFTER INSERT OR UPDATE OR DELETE ON spots FOR EACH ROW EXECUTE FUNCTION audit_row_change('id', '');
--> statement-breakpoint
CREATE TRIGGER saved_spots_audit_trg AFTER INSERT OR UPDATE OR DELETE ON saved_spots FOR EACH ROW EXECUTE FUNCTION audit_row_change('user_id,spot_id', '');
--> statement-breakpoint
CREATE TRIGGER checkins_audit_trg AFTER INSERT OR UPDATE OR DELETE ON checkins FOR EACH ROW EXECUTE FUNCTION audit_row_change('id', '');
--> statement-breakpoint
CREATE TRIGGER achievements_audit_trg AFTER INSERT OR UPDATE OR DELETE ON achievements FOR EACH ROW EXECUTE FUNCTION audit_row_change('id', '');
--> statement-breakpoint
CREATE TRIGGER user_achievements_audit_trg AFTER INSERT OR UPDATE OR DELETE ON user_achievements FOR EACH ROW EXECUTE FUNCTION audit_row_change('user_id,achievement_id', '');
--> statement-breakpoint

-- The trail is append-only, for raw SQL too. The error names the rule so the
-- API can map it (SQLSTATE 23001 restrict_violation).
CREATE FUNCTION audit_logs_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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
CREATE TRIGGER audit_logs_no_truncate_trg BEFORE TRUNCATE ON audit_logs FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_refuse_change();
--> statement-breakpoint

-- Check-ins go to active spots only. FOR SHARE on the spot row orders this
-- against archiveSpot(), which holds FOR UPDATE on it: a check-in racing an
-- archive either commits first (and is archived with the rest) or waits and is
-- refused here. A missing spot is left to checkins_spot_id_fk to report.
CREATE FUNCTION checkins_require_active_spot() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  spot_archived_at timestamptz;
BEGIN
  IF NEW.archived_at IS NULL THEN
    SELECT archived_at INTO spot_archived_at FROM spots WHERE id = NEW.spot_id FOR SHARE;
    IF spot_archived_at IS NOT NULL THEN
      RAISE EXCEPTION 'spot % was archived at %; check in at an active spot', NEW.spot_id, spot_archived_at
        USING ERRCODE = 'check_violation',
              CONSTRAINT = 'checkins_spot_active_trg',
              TABLE = 'checkins';
    END IF;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER checkins_spot_active_trg BEFORE INSERT OR UPDATE OF spot_id, archived_at ON checkins FOR EACH ROW EXECUTE FUNCTION checkins_require_active_spot();
