-- addrmig 0.1.0 plan for postgresql
BEGIN;
-- add column customer_address.country: NOT NULL with a default, existing rows get the default
ALTER TABLE "public"."customer_address" ADD COLUMN "country" text NOT NULL DEFAULT 'US';
COMMIT;
