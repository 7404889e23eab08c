-- addrmig 0.1.0 plan for postgresql
BEGIN;
-- customer_address: add column zip
ALTER TABLE "public"."customer_address" ADD COLUMN "zip" text NOT NULL;
-- customer_address: add column parent_id
ALTER TABLE "public"."customer_address" ADD COLUMN "parent_id" integer NOT NULL;
-- customer_address: add foreign key parent_id -> customer(id) on delete cascade
ALTER TABLE "public"."customer_address" ADD CONSTRAINT "customer_address_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "public"."customer" ("id") ON DELETE CASCADE;
-- customer_address: index customer_address_parent_id_idx on parent_id
CREATE INDEX "customer_address_parent_id_idx" ON "public"."customer_address" ("parent_id");
COMMIT;
