-- addrmig 0.1.0 plan for postgresql
BEGIN;
-- customer_address: add column country
ALTER TABLE "public"."customer_address" ADD COLUMN "country" text;
COMMIT;
