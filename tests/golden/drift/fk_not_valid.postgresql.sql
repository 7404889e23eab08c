-- addrmig 0.1.0 plan for postgresql
-- after the COMMIT above, in its own transaction; if it fails, the constraint stays NOT VALID
BEGIN;
-- validate foreign key customer_address_parent_id_fkey: checks existing rows, writes stay allowed
ALTER TABLE "public"."customer_address" VALIDATE CONSTRAINT "customer_address_parent_id_fkey";
COMMIT;
