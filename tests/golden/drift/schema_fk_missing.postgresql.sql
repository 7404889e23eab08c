-- addrmig 0.1.0 plan for postgresql
BEGIN;
-- foreign key crm.customer_address.parent_id -> crm.customer(id): NOT VALID, existing rows are checked next without a long lock
ALTER TABLE "crm"."customer_address" ADD CONSTRAINT "customer_address_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "crm"."customer" ("id") ON DELETE CASCADE NOT VALID;
-- index crm.customer_address.parent_id
CREATE INDEX "customer_address_parent_id_idx" ON "crm"."customer_address" ("parent_id");
COMMIT;
-- after the COMMIT above, in its own transaction; if it fails, the constraint stays NOT VALID
BEGIN;
-- validate foreign key customer_address_parent_id_fkey: checks existing rows, writes stay allowed
ALTER TABLE "crm"."customer_address" VALIDATE CONSTRAINT "customer_address_parent_id_fkey";
COMMIT;
