-- addrmig 0.1.0 plan for postgresql
BEGIN;
-- customer_address: drop foreign key customer_address_parent_id_fkey to replace it (no data is touched)
ALTER TABLE "public"."customer_address" DROP CONSTRAINT "customer_address_parent_id_fkey";
-- customer_address: add foreign key parent_id -> customer(id) on delete cascade, NOT VALID so existing rows are checked without a long lock
ALTER TABLE "public"."customer_address" ADD CONSTRAINT "customer_address_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "public"."customer" ("id") ON DELETE CASCADE NOT VALID;
COMMIT;
-- after the COMMIT above, in its own transaction; if it fails, the constraint stays NOT VALID
BEGIN;
-- customer_address: validate foreign key customer_address_parent_id_fkey (checks existing rows; writes stay allowed)
ALTER TABLE "public"."customer_address" VALIDATE CONSTRAINT "customer_address_parent_id_fkey";
COMMIT;
