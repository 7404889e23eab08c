-- addrmig 0.1.0 plan for postgresql
BEGIN;
-- drop foreign key customer_address_parent_id_fkey (replaced next): no data is touched
ALTER TABLE "public"."customer_address" DROP CONSTRAINT "customer_address_parent_id_fkey";
-- foreign key customer_address.parent_id -> customer(id): NOT VALID, existing rows are checked next without a long lock
ALTER TABLE "public"."customer_address" ADD CONSTRAINT "customer_address_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "public"."customer" ("id") ON DELETE CASCADE NOT VALID;
-- set NOT NULL on customer_address.street: a full scan under an exclusive lock checks for NULLs
ALTER TABLE "public"."customer_address" ALTER COLUMN "street" SET NOT NULL;
-- set NOT NULL on customer_address.city: a full scan under an exclusive lock checks for NULLs
ALTER TABLE "public"."customer_address" ALTER COLUMN "city" SET NOT NULL;
-- set NOT NULL on customer_address.zip: a full scan under an exclusive lock checks for NULLs
ALTER TABLE "public"."customer_address" ALTER COLUMN "zip" SET NOT NULL;
-- set NOT NULL on customer_address.parent_id: a full scan under an exclusive lock checks for NULLs
ALTER TABLE "public"."customer_address" ALTER COLUMN "parent_id" SET NOT NULL;
-- index customer_address.parent_id
CREATE INDEX "customer_address_parent_id_idx" ON "public"."customer_address" ("parent_id");
-- drop foreign key supplier_address_parent_id_fkey (replaced next): no data is touched
ALTER TABLE "public"."supplier_address" DROP CONSTRAINT "supplier_address_parent_id_fkey";
-- foreign key supplier_address.parent_id -> supplier(id): NOT VALID, existing rows are checked next without a long lock
ALTER TABLE "public"."supplier_address" ADD CONSTRAINT "supplier_address_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "public"."supplier" ("id") ON DELETE CASCADE NOT VALID;
-- set NOT NULL on supplier_address.street: a full scan under an exclusive lock checks for NULLs
ALTER TABLE "public"."supplier_address" ALTER COLUMN "street" SET NOT NULL;
-- set NOT NULL on supplier_address.city: a full scan under an exclusive lock checks for NULLs
ALTER TABLE "public"."supplier_address" ALTER COLUMN "city" SET NOT NULL;
-- set NOT NULL on supplier_address.zip: a full scan under an exclusive lock checks for NULLs
ALTER TABLE "public"."supplier_address" ALTER COLUMN "zip" SET NOT NULL;
-- set NOT NULL on supplier_address.parent_id: a full scan under an exclusive lock checks for NULLs
ALTER TABLE "public"."supplier_address" ALTER COLUMN "parent_id" SET NOT NULL;
-- index supplier_address.parent_id
CREATE INDEX "supplier_address_parent_id_idx" ON "public"."supplier_address" ("parent_id");
COMMIT;
-- after the COMMIT above, in its own transaction; if it fails, the constraint stays NOT VALID
BEGIN;
-- validate foreign key customer_address_parent_id_fkey: checks existing rows, writes stay allowed
ALTER TABLE "public"."customer_address" VALIDATE CONSTRAINT "customer_address_parent_id_fkey";
COMMIT;
-- after the COMMIT above, in its own transaction; if it fails, the constraint stays NOT VALID
BEGIN;
-- validate foreign key supplier_address_parent_id_fkey: checks existing rows, writes stay allowed
ALTER TABLE "public"."supplier_address" VALIDATE CONSTRAINT "supplier_address_parent_id_fkey";
COMMIT;
