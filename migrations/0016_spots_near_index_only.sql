DROP INDEX "spots_active_location_idx";--> statement-breakpoint
CREATE INDEX "spots_active_location_idx" ON "spots" USING btree ("latitude","longitude","id","name") WHERE archived_at IS NULL;