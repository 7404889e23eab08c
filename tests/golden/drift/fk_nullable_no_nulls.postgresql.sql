-- addrmig 0.1.0 plan for postgresql
BEGIN;
-- customer_address: set parent_id NOT NULL (a full scan under an exclusive lock checks for NULLs)
ALTER TABLE "public"."customer_address" ALTER COLUMN "parent_id" SET NOT NULL;
COMMIT;
