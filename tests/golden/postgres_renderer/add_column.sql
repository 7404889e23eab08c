-- customer_address: add column country
ALTER TABLE "public"."customer_address" ADD COLUMN "country" varchar(2);

-- customer_address: add column state (NOT NULL with a default: existing rows get the default)
ALTER TABLE "public"."customer_address" ADD COLUMN "state" text NOT NULL DEFAULT 'n/a';
