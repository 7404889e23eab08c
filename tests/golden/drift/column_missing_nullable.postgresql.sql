-- addrmig 0.1.0 plan for postgresql
BEGIN;
-- add column customer_address.country
ALTER TABLE "public"."customer_address" ADD COLUMN "country" text;
COMMIT;
