-- customer_address: drop foreign key customer_address_parent_id_fkey to replace it (no data is touched)
ALTER TABLE "public"."customer_address" DROP CONSTRAINT "customer_address_parent_id_fkey";

-- customer_address: add foreign key parent_id -> customer(id) on delete restrict
ALTER TABLE "public"."customer_address" ADD CONSTRAINT "customer_address_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "public"."customer" ("id") ON DELETE RESTRICT;
