-- addrmig 0.1.0 plan for postgresql
BEGIN;
-- set NOT NULL on customer_address.parent_id: a full scan under an exclusive lock checks for NULLs
ALTER TABLE "public"."customer_address" ALTER COLUMN "parent_id" SET NOT NULL;
COMMIT;
