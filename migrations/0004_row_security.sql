ALTER TABLE "achievements" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "audit_logs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "checkins" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "saved_spots" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "sessions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "spots" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "user_achievements" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "achievements_read_pol" ON "achievements" AS PERMISSIVE FOR SELECT TO "anonymous", "authenticated", "skatehubba_owner", "skatehubba_readonly" USING (true);--> statement-breakpoint
CREATE POLICY "audit_logs_readonly_pol" ON "audit_logs" AS PERMISSIVE FOR SELECT TO "skatehubba_readonly" USING (true);--> statement-breakpoint
CREATE POLICY "audit_logs_owner_append_pol" ON "audit_logs" AS PERMISSIVE FOR INSERT TO "skatehubba_owner" WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "checkins_read_pol" ON "checkins" AS PERMISSIVE FOR SELECT TO "anonymous", "authenticated" USING ("checkins"."archived_at" IS NULL OR "checkins"."user_id" = (select current_rider_id()));--> statement-breakpoint
CREATE POLICY "checkins_readonly_pol" ON "checkins" AS PERMISSIVE FOR SELECT TO "skatehubba_readonly" USING (true);--> statement-breakpoint
CREATE POLICY "checkins_check_in_own_pol" ON "checkins" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK ("checkins"."user_id" = (select current_rider_id()));--> statement-breakpoint
CREATE POLICY "checkins_edit_own_pol" ON "checkins" AS PERMISSIVE FOR UPDATE TO "authenticated" USING ("checkins"."user_id" = (select current_rider_id()) AND "checkins"."archived_at" IS NULL) WITH CHECK ("checkins"."user_id" = (select current_rider_id()));--> statement-breakpoint
CREATE POLICY "checkins_delete_own_pol" ON "checkins" AS PERMISSIVE FOR DELETE TO "authenticated" USING ("checkins"."user_id" = (select current_rider_id()));--> statement-breakpoint
CREATE POLICY "checkins_owner_pol" ON "checkins" AS PERMISSIVE FOR ALL TO "skatehubba_owner" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "saved_spots_own_pol" ON "saved_spots" AS PERMISSIVE FOR ALL TO "authenticated" USING ("saved_spots"."user_id" = (select current_rider_id())) WITH CHECK ("saved_spots"."user_id" = (select current_rider_id()));--> statement-breakpoint
CREATE POLICY "saved_spots_readonly_pol" ON "saved_spots" AS PERMISSIVE FOR SELECT TO "skatehubba_readonly" USING (true);--> statement-breakpoint
CREATE POLICY "sessions_own_read_pol" ON "sessions" AS PERMISSIVE FOR SELECT TO "authenticated" USING ("sessions"."user_id" = (select current_rider_id()));--> statement-breakpoint
CREATE POLICY "sessions_own_start_pol" ON "sessions" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK ("sessions"."user_id" = (select current_rider_id()));--> statement-breakpoint
CREATE POLICY "sessions_own_revoke_pol" ON "sessions" AS PERMISSIVE FOR UPDATE TO "authenticated" USING ("sessions"."user_id" = (select current_rider_id())) WITH CHECK ("sessions"."user_id" = (select current_rider_id()));--> statement-breakpoint
CREATE POLICY "sessions_readonly_pol" ON "sessions" AS PERMISSIVE FOR SELECT TO "skatehubba_readonly" USING (true);--> statement-breakpoint
CREATE POLICY "sessions_owner_read_pol" ON "sessions" AS PERMISSIVE FOR SELECT TO "skatehubba_owner" USING (true);--> statement-breakpoint
CREATE POLICY "spots_read_pol" ON "spots" AS PERMISSIVE FOR SELECT TO "anonymous", "authenticated", "skatehubba_readonly" USING (true);--> statement-breakpoint
CREATE POLICY "spots_create_own_pol" ON "spots" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK ("spots"."created_by" = (select current_rider_id()));--> statement-breakpoint
CREATE POLICY "spots_edit_own_pol" ON "spots" AS PERMISSIVE FOR UPDATE TO "authenticated" USING ("spots"."created_by" = (select current_rider_id()) AND "spots"."archived_at" IS NULL) WITH CHECK ("spots"."created_by" = (select current_rider_id()));--> statement-breakpoint
CREATE POLICY "spots_owner_pol" ON "spots" AS PERMISSIVE FOR ALL TO "skatehubba_owner" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "user_achievements_own_read_pol" ON "user_achievements" AS PERMISSIVE FOR SELECT TO "authenticated" USING ("user_achievements"."user_id" = (select current_rider_id()));--> statement-breakpoint
CREATE POLICY "user_achievements_readonly_pol" ON "user_achievements" AS PERMISSIVE FOR SELECT TO "skatehubba_readonly" USING (true);--> statement-breakpoint
CREATE POLICY "user_achievements_owner_pol" ON "user_achievements" AS PERMISSIVE FOR ALL TO "skatehubba_owner" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "users_read_pol" ON "users" AS PERMISSIVE FOR SELECT TO "anonymous", "authenticated", "skatehubba_readonly" USING (true);--> statement-breakpoint
CREATE POLICY "users_sign_up_pol" ON "users" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK ("users"."id" = (select current_rider_id()));--> statement-breakpoint
CREATE POLICY "users_edit_own_pol" ON "users" AS PERMISSIVE FOR UPDATE TO "authenticated" USING ("users"."id" = (select current_rider_id())) WITH CHECK ("users"."id" = (select current_rider_id()));--> statement-breakpoint
CREATE POLICY "users_owner_read_pol" ON "users" AS PERMISSIVE FOR SELECT TO "skatehubba_owner" USING (true);