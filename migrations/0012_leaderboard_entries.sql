CREATE TABLE "leaderboard_entries" (
	"user_id" uuid NOT NULL,
	"landed" integer NOT NULL,
	CONSTRAINT "leaderboard_entries_pk" PRIMARY KEY("user_id"),
	CONSTRAINT "leaderboard_entries_landed_ck" CHECK ("leaderboard_entries"."landed" >= 0)
);
--> statement-breakpoint
ALTER TABLE "leaderboard_entries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "leaderboard_window" (
	"id" boolean NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	CONSTRAINT "leaderboard_window_pk" PRIMARY KEY("id"),
	CONSTRAINT "leaderboard_window_single_ck" CHECK ("leaderboard_window"."id")
);
--> statement-breakpoint
ALTER TABLE "leaderboard_window" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "spot_leaderboard_entries" (
	"spot_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"landed" integer NOT NULL,
	CONSTRAINT "spot_leaderboard_entries_pk" PRIMARY KEY("spot_id","user_id"),
	CONSTRAINT "spot_leaderboard_entries_landed_ck" CHECK ("spot_leaderboard_entries"."landed" >= 0)
);
--> statement-breakpoint
ALTER TABLE "spot_leaderboard_entries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "leaderboard_entries" ADD CONSTRAINT "leaderboard_entries_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spot_leaderboard_entries" ADD CONSTRAINT "spot_leaderboard_entries_spot_id_fk" FOREIGN KEY ("spot_id") REFERENCES "public"."spots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spot_leaderboard_entries" ADD CONSTRAINT "spot_leaderboard_entries_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "leaderboard_entries_landed_idx" ON "leaderboard_entries" USING btree ("landed" DESC NULLS LAST,"user_id" DESC NULLS LAST) WHERE landed > 0;--> statement-breakpoint
CREATE INDEX "spot_leaderboard_entries_spot_landed_idx" ON "spot_leaderboard_entries" USING btree ("spot_id","landed" DESC NULLS LAST,"user_id" DESC NULLS LAST) WHERE landed > 0;--> statement-breakpoint
CREATE INDEX "spot_leaderboard_entries_user_id_idx" ON "spot_leaderboard_entries" USING btree ("user_id");--> statement-breakpoint
CREATE POLICY "leaderboard_entries_read_pol" ON "leaderboard_entries" AS PERMISSIVE FOR SELECT TO "anonymous", "authenticated", "skatehubba_readonly" USING (true);--> statement-breakpoint
CREATE POLICY "leaderboard_entries_owner_pol" ON "leaderboard_entries" AS PERMISSIVE FOR ALL TO "skatehubba_owner" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "leaderboard_window_readonly_pol" ON "leaderboard_window" AS PERMISSIVE FOR SELECT TO "skatehubba_readonly" USING (true);--> statement-breakpoint
CREATE POLICY "leaderboard_window_owner_pol" ON "leaderboard_window" AS PERMISSIVE FOR ALL TO "skatehubba_owner" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "spot_leaderboard_entries_read_pol" ON "spot_leaderboard_entries" AS PERMISSIVE FOR SELECT TO "anonymous", "authenticated", "skatehubba_readonly" USING (true);--> statement-breakpoint
CREATE POLICY "spot_leaderboard_entries_owner_pol" ON "spot_leaderboard_entries" AS PERMISSIVE FOR ALL TO "skatehubba_owner" USING (true) WITH CHECK (true);