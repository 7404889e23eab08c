-- addrmig 0.1.0 plan for postgresql
BEGIN;
-- index customer_address.parent_id
CREATE INDEX "customer_address_parent_id_idx_2" ON "public"."customer_address" ("parent_id");
COMMIT;
