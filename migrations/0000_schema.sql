CREATE TYPE "public"."achievement_tier" AS ENUM('bronze', 'silver', 'gold', 'legendary');--> statement-breakpoint
CREATE TYPE "public"."stance" AS ENUM('regular', 'goofy');--> statement-breakpoint
CREATE TYPE "public"."trick_status" AS ENUM('landed', 'bailed', 'retry');--> statement-breakpoint
CREATE TABLE "achievements" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"tier" "achievement_tier" NOT NULL,
	"goal" integer NOT NULL,
	"icon_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "achievements_pk" PRIMARY KEY("id"),
	CONSTRAINT "achievements_id_goal_uq" UNIQUE("id","goal"),
	CONSTRAINT "achievements_slug_ck" CHECK (char_length("achievements"."slug") BETWEEN 3 AND 60 AND "achievements"."slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
	CONSTRAINT "achievements_name_ck" CHECK (char_length("achievements"."name") BETWEEN 1 AND 80),
	CONSTRAINT "achievements_description_ck" CHECK (char_length("achievements"."description") BETWEEN 0 AND 500),
	CONSTRAINT "achievements_goal_ck" CHECK ("achievements"."goal" > 0),
	CONSTRAINT "achievements_icon_url_ck" CHECK ("achievements"."icon_url" IS NULL OR (char_length("achievements"."icon_url") <= 2048 AND "achievements"."icon_url" !~ '[\x01-\x20\x7f]' AND "achievements"."icon_url" ~* '^https://[a-z0-9.-]+(:[0-9]+)?/[^?#]*[?][^#]*$' AND "achievements"."icon_url" ~* '[?&](x-amz-signature|x-goog-signature|signature)=[a-z0-9_%~.-]{16,}(&|#|$)' AND "achievements"."icon_url" ~* '[?&](x-amz-expires|x-goog-expires|expires)=[0-9]{1,12}(&|#|$)'))
);
--> statement-breakpoint
CREATE TABLE "audit_logs" (
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "audit_logs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"actor_id" uuid,
	"action" text NOT NULL,
	"target_table" text NOT NULL,
	"target_id" text NOT NULL,
	"changes" jsonb NOT NULL,
	"transaction_id" bigint DEFAULT txid_current() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_logs_pk" PRIMARY KEY("id"),
	CONSTRAINT "audit_logs_action_ck" CHECK ("audit_logs"."action" IN ('insert', 'update', 'delete'))
);
--> statement-breakpoint
CREATE TABLE "checkins" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"spot_id" uuid NOT NULL,
	"trick" text NOT NULL,
	"trick_status" "trick_status" NOT NULL,
	"stance" "stance" NOT NULL,
	"note" text,
	"media_url" text,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "checkins_pk" PRIMARY KEY("id"),
	CONSTRAINT "checkins_trick_ck" CHECK (char_length("checkins"."trick") BETWEEN 1 AND 80),
	CONSTRAINT "checkins_note_ck" CHECK ("checkins"."note" IS NULL OR char_length("checkins"."note") <= 500),
	CONSTRAINT "checkins_archived_at_ck" CHECK ("checkins"."archived_at" IS NULL OR "checkins"."archived_at" >= "checkins"."created_at"),
	CONSTRAINT "checkins_media_url_ck" CHECK ("checkins"."media_url" IS NULL OR (char_length("checkins"."media_url") <= 2048 AND "checkins"."media_url" !~ '[\x01-\x20\x7f]' AND "checkins"."media_url" ~* '^https://[a-z0-9.-]+(:[0-9]+)?/[^?#]*[?][^#]*$' AND "checkins"."media_url" ~* '[?&](x-amz-signature|x-goog-signature|signature)=[a-z0-9_%~.-]{16,}(&|#|$)' AND "checkins"."media_url" ~* '[?&](x-amz-expires|x-goog-expires|expires)=[0-9]{1,12}(&|#|$)'))
);
--> statement-breakpoint
CREATE TABLE "saved_spots" (
	"user_id" uuid NOT NULL,
	"spot_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "saved_spots_pk" PRIMARY KEY("user_id","spot_id")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sessions_pk" PRIMARY KEY("id"),
	CONSTRAINT "sessions_token_hash_ck" CHECK ("sessions"."token_hash" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "sessions_expiry_ck" CHECK ("sessions"."expires_at" > "sessions"."created_at" AND "sessions"."expires_at" <= "sessions"."created_at" + interval '90 days'),
	CONSTRAINT "sessions_revoked_at_ck" CHECK ("sessions"."revoked_at" IS NULL OR "sessions"."revoked_at" >= "sessions"."created_at")
);
--> statement-breakpoint
CREATE TABLE "spots" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"latitude" double precision NOT NULL,
	"longitude" double precision NOT NULL,
	"photo_url" text,
	"created_by" uuid,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "spots_pk" PRIMARY KEY("id"),
	CONSTRAINT "spots_name_ck" CHECK (char_length("spots"."name") BETWEEN 1 AND 120),
	CONSTRAINT "spots_description_ck" CHECK ("spots"."description" IS NULL OR char_length("spots"."description") <= 2000),
	CONSTRAINT "spots_latitude_ck" CHECK ("spots"."latitude" >= -90 AND "spots"."latitude" <= 90),
	CONSTRAINT "spots_longitude_ck" CHECK ("spots"."longitude" >= -180 AND "spots"."longitude" <= 180),
	CONSTRAINT "spots_archived_at_ck" CHECK ("spots"."archived_at" IS NULL OR "spots"."archived_at" >= "spots"."created_at"),
	CONSTRAINT "spots_photo_url_ck" CHECK ("spots"."photo_url" IS NULL OR (char_length("spots"."photo_url") <= 2048 AND "spots"."photo_url" !~ '[\x01-\x20\x7f]' AND "spots"."photo_url" ~* '^https://[a-z0-9.-]+(:[0-9]+)?/[^?#]*[?][^#]*$' AND "spots"."photo_url" ~* '[?&](x-amz-signature|x-goog-signature|signature)=[a-z0-9_%~.-]{16,}(&|#|$)' AND "spots"."photo_url" ~* '[?&](x-amz-expires|x-goog-expires|expires)=[0-9]{1,12}(&|#|$)'))
);
--> statement-breakpoint
CREATE TABLE "user_achievements" (
	"user_id" uuid NOT NULL,
	"achievement_id" uuid NOT NULL,
	"goal" integer NOT NULL,
	"progress" integer DEFAULT 0 NOT NULL,
	"unlocked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_achievements_pk" PRIMARY KEY("user_id","achievement_id"),
	CONSTRAINT "user_achievements_progress_ck" CHECK ("user_achievements"."progress" >= 0),
	CONSTRAINT "user_achievements_unlock_ck" CHECK (("user_achievements"."unlocked_at" IS NOT NULL) = ("user_achievements"."progress" >= "user_achievements"."goal")),
	CONSTRAINT "user_achievements_unlocked_at_ck" CHECK ("user_achievements"."unlocked_at" IS NULL OR "user_achievements"."unlocked_at" >= "user_achievements"."created_at")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"handle" text NOT NULL,
	"email" text NOT NULL,
	"display_name" text NOT NULL,
	"stance" "stance" DEFAULT 'regular' NOT NULL,
	"avatar_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_pk" PRIMARY KEY("id"),
	CONSTRAINT "users_handle_ck" CHECK ("users"."handle" ~ '^[a-z0-9_]{3,30}$'),
	CONSTRAINT "users_email_ck" CHECK (char_length("users"."email") <= 254 AND "users"."email" ~ '^[^@[:space:]]+@[^@[:space:]]+[.][^@[:space:]]+$'),
	CONSTRAINT "users_display_name_ck" CHECK (char_length("users"."display_name") BETWEEN 1 AND 50),
	CONSTRAINT "users_avatar_url_ck" CHECK ("users"."avatar_url" IS NULL OR (char_length("users"."avatar_url") <= 2048 AND "users"."avatar_url" !~ '[\x01-\x20\x7f]' AND "users"."avatar_url" ~* '^https://[a-z0-9.-]+(:[0-9]+)?/[^?#]*[?][^#]*$' AND "users"."avatar_url" ~* '[?&](x-amz-signature|x-goog-signature|signature)=[a-z0-9_%~.-]{16,}(&|#|$)' AND "users"."avatar_url" ~* '[?&](x-amz-expires|x-goog-expires|expires)=[0-9]{1,12}(&|#|$)'))
);
--> statement-breakpoint
ALTER TABLE "checkins" ADD CONSTRAINT "checkins_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkins" ADD CONSTRAINT "checkins_spot_id_fk" FOREIGN KEY ("spot_id") REFERENCES "public"."spots"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "saved_spots" ADD CONSTRAINT "saved_spots_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "saved_spots" ADD CONSTRAINT "saved_spots_spot_id_fk" FOREIGN KEY ("spot_id") REFERENCES "public"."spots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spots" ADD CONSTRAINT "spots_created_by_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_achievements" ADD CONSTRAINT "user_achievements_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_achievements" ADD CONSTRAINT "user_achievements_achievement_fk" FOREIGN KEY ("achievement_id","goal") REFERENCES "public"."achievements"("id","goal") ON DELETE restrict ON UPDATE cascade;--> statement-breakpoint
CREATE UNIQUE INDEX "achievements_slug_uq" ON "achievements" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "audit_logs_target_idx" ON "audit_logs" USING btree ("target_table","target_id","id");--> statement-breakpoint
CREATE INDEX "audit_logs_actor_id_idx" ON "audit_logs" USING btree ("actor_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "checkins_user_spot_window_uq" ON "checkins" USING btree ("user_id","spot_id",date_bin('10 minutes'::interval, "created_at", '2000-01-01 00:00:00+00'::timestamptz)) WHERE archived_at IS NULL;--> statement-breakpoint
CREATE INDEX "checkins_user_id_created_at_idx" ON "checkins" USING btree ("user_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "checkins_spot_id_created_at_idx" ON "checkins" USING btree ("spot_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "saved_spots_spot_id_idx" ON "saved_spots" USING btree ("spot_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sessions_token_hash_uq" ON "sessions" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "sessions_user_id_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "spots_created_by_idx" ON "spots" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "user_achievements_achievement_idx" ON "user_achievements" USING btree ("achievement_id","goal");--> statement-breakpoint
CREATE UNIQUE INDEX "users_handle_uq" ON "users" USING btree ("handle");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_uq" ON "users" USING btree (lower("email"));