-- addrmig 0.1.0 plan for sqlite
BEGIN;
-- add column customer_address.country
ALTER TABLE "customer_address" ADD COLUMN "country" TEXT NOT NULL DEFAULT ('US');
COMMIT;
