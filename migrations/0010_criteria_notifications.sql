CREATE TYPE "public"."achievement_metric" AS ENUM('checkins', 'landed', 'distinct_spots', 'manual');--> statement-breakpoint
CREATE TYPE "public"."notification_kind" AS ENUM('achievement_unlocked');--> statement-breakpoint
CREATE TABLE "notification_inboxes" (
	"user_id" uuid NOT NULL,
	"unread_count" integer NOT NULL,
	CONSTRAINT "notification_inboxes_pk" PRIMARY KEY("user_id"),
	CONSTRAINT "notification_inboxes_unread_count_ck" CHECK ("notification_inboxes"."unread_count" >= 0)
);
--> statement-breakpoint
ALTER TABLE "notification_inboxes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" "notification_kind" NOT NULL,
	"achievement_id" uuid,
	"checkin_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone,
	CONSTRAINT "notifications_pk" PRIMARY KEY("id"),
	CONSTRAINT "notifications_payload_ck" CHECK ("notifications"."kind" <> 'achievement_unlocked' OR "notifications"."achievement_id" IS NOT NULL),
	CONSTRAINT "notifications_read_at_ck" CHECK ("notifications"."read_at" IS NULL OR "notifications"."read_at" >= "notifications"."created_at")
);
--> statement-breakpoint
ALTER TABLE "notifications" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "rider_metrics" (
	"user_id" uuid NOT NULL,
	"metric" "achievement_metric" NOT NULL,
	"value" integer NOT NULL,
	CONSTRAINT "rider_metrics_pk" PRIMARY KEY("user_id","metric"),
	CONSTRAINT "rider_metrics_value_ck" CHECK ("rider_metrics"."value" >= 0),
	CONSTRAINT "rider_metrics_metric_ck" CHECK ("rider_metrics"."metric" <> 'manual')
);
--> statement-breakpoint
ALTER TABLE "rider_metrics" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
-- Achievements that exist already took their progress from record_progress(): manual.
ALTER TABLE "achievements" ADD COLUMN "metric" "achievement_metric" DEFAULT 'manual' NOT NULL;--> statement-breakpoint
-- From here on every achievement says what counts toward it.
ALTER TABLE "achievements" ALTER COLUMN "metric" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "notification_inboxes" ADD CONSTRAINT "notification_inboxes_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_achievement_id_fk" FOREIGN KEY ("achievement_id") REFERENCES "public"."achievements"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_checkin_id_fk" FOREIGN KEY ("checkin_id") REFERENCES "public"."checkins"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rider_metrics" ADD CONSTRAINT "rider_metrics_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_user_achievement_uq" ON "notifications" USING btree ("user_id","achievement_id") WHERE kind = 'achievement_unlocked';--> statement-breakpoint
CREATE INDEX "notifications_user_id_created_at_idx" ON "notifications" USING btree ("user_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "notifications_achievement_id_idx" ON "notifications" USING btree ("achievement_id");--> statement-breakpoint
CREATE INDEX "notifications_checkin_id_idx" ON "notifications" USING btree ("checkin_id") WHERE checkin_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "notifications_read_at_idx" ON "notifications" USING btree ("read_at") WHERE read_at IS NOT NULL;--> statement-breakpoint
CREATE POLICY "notification_inboxes_own_read_pol" ON "notification_inboxes" AS PERMISSIVE FOR SELECT TO "authenticated" USING ("notification_inboxes"."user_id" = (select current_rider_id()));--> statement-breakpoint
CREATE POLICY "notification_inboxes_readonly_pol" ON "notification_inboxes" AS PERMISSIVE FOR SELECT TO "skatehubba_readonly" USING (true);--> statement-breakpoint
CREATE POLICY "notification_inboxes_owner_pol" ON "notification_inboxes" AS PERMISSIVE FOR ALL TO "skatehubba_owner" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "notifications_own_read_pol" ON "notifications" AS PERMISSIVE FOR SELECT TO "authenticated" USING ("notifications"."user_id" = (select current_rider_id()));--> statement-breakpoint
CREATE POLICY "notifications_own_mark_pol" ON "notifications" AS PERMISSIVE FOR UPDATE TO "authenticated" USING ("notifications"."user_id" = (select current_rider_id())) WITH CHECK ("notifications"."user_id" = (select current_rider_id()));--> statement-breakpoint
CREATE POLICY "notifications_readonly_pol" ON "notifications" AS PERMISSIVE FOR SELECT TO "skatehubba_readonly" USING (true);--> statement-breakpoint
CREATE POLICY "notifications_owner_pol" ON "notifications" AS PERMISSIVE FOR ALL TO "skatehubba_owner" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "rider_metrics_own_read_pol" ON "rider_metrics" AS PERMISSIVE FOR SELECT TO "authenticated" USING ("rider_metrics"."user_id" = (select current_rider_id()));--> statement-breakpoint
CREATE POLICY "rider_metrics_readonly_pol" ON "rider_metrics" AS PERMISSIVE FOR SELECT TO "skatehubba_readonly" USING (true);--> statement-breakpoint
CREATE POLICY "rider_metrics_owner_pol" ON "rider_metrics" AS PERMISSIVE FOR ALL TO "skatehubba_owner" USING (true) WITH CHECK (true);