CREATE TABLE "rider_erasures" (
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "rider_erasures_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"rider_digest" text NOT NULL,
	"requested_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"transaction_id" bigint DEFAULT txid_current() NOT NULL,
	CONSTRAINT "rider_erasures_pk" PRIMARY KEY("id"),
	CONSTRAINT "rider_erasures_requested_by_ck" CHECK ("rider_erasures"."requested_by" IN ('rider', 'staff')),
	CONSTRAINT "rider_erasures_rider_digest_ck" CHECK ("rider_erasures"."rider_digest" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "rider_erasures" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "audit_logs" ADD COLUMN "subject_id" uuid;--> statement-breakpoint
CREATE UNIQUE INDEX "rider_erasures_rider_digest_uq" ON "rider_erasures" USING btree ("rider_digest");--> statement-breakpoint
CREATE INDEX "rider_erasures_transaction_id_idx" ON "rider_erasures" USING btree ("transaction_id");--> statement-breakpoint
CREATE INDEX "audit_logs_subject_id_idx" ON "audit_logs" USING btree ("subject_id","id");--> statement-breakpoint
CREATE INDEX "sessions_ended_at_idx" ON "sessions" USING btree (least("expires_at", "revoked_at"));--> statement-breakpoint
ALTER TABLE "audit_logs" DROP CONSTRAINT "audit_logs_pk";
--> statement-breakpoint
-- 0008 rebuilds audit_logs as a partitioned table in the same transaction; this key lives for one migration.
-- squawk-ignore constraint-missing-not-valid, adding-serial-primary-key-field
ALTER TABLE "audit_logs" ADD CONSTRAINT "audit_logs_pk" PRIMARY KEY("id","created_at");--> statement-breakpoint
CREATE POLICY "audit_logs_owner_read_pol" ON "audit_logs" AS PERMISSIVE FOR SELECT TO "skatehubba_owner" USING (true);--> statement-breakpoint
CREATE POLICY "audit_logs_owner_redact_pol" ON "audit_logs" AS PERMISSIVE FOR UPDATE TO "skatehubba_owner" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "saved_spots_owner_read_pol" ON "saved_spots" AS PERMISSIVE FOR SELECT TO "skatehubba_owner" USING (true);--> statement-breakpoint
CREATE POLICY "sessions_owner_prune_pol" ON "sessions" AS PERMISSIVE FOR DELETE TO "skatehubba_owner" USING (true);--> statement-breakpoint
CREATE POLICY "users_owner_erase_pol" ON "users" AS PERMISSIVE FOR DELETE TO "skatehubba_owner" USING (true);--> statement-breakpoint
CREATE POLICY "rider_erasures_owner_pol" ON "rider_erasures" AS PERMISSIVE FOR ALL TO "skatehubba_owner" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "rider_erasures_readonly_pol" ON "rider_erasures" AS PERMISSIVE FOR SELECT TO "skatehubba_readonly" USING (true);