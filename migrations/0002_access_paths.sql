DROP INDEX "checkins_user_id_created_at_idx";--> statement-breakpoint
DROP INDEX "checkins_spot_id_created_at_idx";--> statement-breakpoint
CREATE INDEX "checkins_landed_created_at_idx" ON "checkins" USING btree ("created_at","user_id") WHERE trick_status = 'landed' AND archived_at IS NULL;--> statement-breakpoint
CREATE INDEX "spots_active_location_idx" ON "spots" USING btree ("latitude","longitude") WHERE archived_at IS NULL;--> statement-breakpoint
CREATE INDEX "checkins_user_id_created_at_idx" ON "checkins" USING btree ("user_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "checkins_spot_id_created_at_idx" ON "checkins" USING btree ("spot_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);