-- addrmig 0.1.0 plan for postgresql
BEGIN;
-- add column customer_address.zip
ALTER TABLE "public"."customer_address" ADD COLUMN "zip" text NOT NULL;
-- add column customer_address.parent_id
ALTER TABLE "public"."customer_address" ADD COLUMN "parent_id" integer NOT NULL;
-- foreign key customer_address.parent_id -> customer(id)
ALTER TABLE "public"."customer_address" ADD CONSTRAINT "customer_address_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "public"."customer" ("id") ON DELETE CASCADE;
-- index customer_address.parent_id
CREATE INDEX "customer_address_parent_id_idx" ON "public"."customer_address" ("parent_id");
COMMIT;
