-- addrmig 0.1.0 plan for postgresql
BEGIN;
-- customer_address: add foreign key parent_id -> customer(code) on delete cascade, NOT VALID so existing rows are checked without a long lock
ALTER TABLE "public"."customer_address" ADD CONSTRAINT "customer_address_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "public"."customer" ("code") ON DELETE CASCADE NOT VALID;
-- customer_address: index customer_address_parent_id_idx on parent_id
CREATE INDEX "customer_address_parent_id_idx" ON "public"."customer_address" ("parent_id");
COMMIT;
-- after the COMMIT above, in its own transaction; if it fails, the constraint stays NOT VALID
BEGIN;
-- customer_address: validate foreign key customer_address_parent_id_fkey (checks existing rows; writes stay allowed)
ALTER TABLE "public"."customer_address" VALIDATE CONSTRAINT "customer_address_parent_id_fkey";
COMMIT;
