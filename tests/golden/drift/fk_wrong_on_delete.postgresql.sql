-- addrmig 0.1.0 plan for postgresql
BEGIN;
-- drop foreign key customer_address_parent_id_fkey (replaced next): no data is touched
ALTER TABLE "public"."customer_address" DROP CONSTRAINT "customer_address_parent_id_fkey";
-- foreign key customer_address.parent_id -> customer(id): NOT VALID, existing rows are checked next without a long lock
ALTER TABLE "public"."customer_address" ADD CONSTRAINT "customer_address_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "public"."customer" ("id") ON DELETE CASCADE NOT VALID;
COMMIT;
-- after the COMMIT above, in its own transaction; if it fails, the constraint stays NOT VALID
BEGIN;
-- validate foreign key customer_address_parent_id_fkey: checks existing rows, writes stay allowed
ALTER TABLE "public"."customer_address" VALIDATE CONSTRAINT "customer_address_parent_id_fkey";
COMMIT;
