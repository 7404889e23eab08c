-- drop foreign key customer_address_parent_id_fkey: no data is touched
ALTER TABLE "public"."customer_address" DROP CONSTRAINT "customer_address_parent_id_fkey";

-- add foreign key public.customer_address(parent_id) -> public.customer(id)
ALTER TABLE "public"."customer_address" ADD CONSTRAINT "customer_address_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "public"."customer" ("id") ON DELETE RESTRICT;
