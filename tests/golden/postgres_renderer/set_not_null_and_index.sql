-- set NOT NULL on public.customer_address.parent_id: a full scan under an exclusive lock checks for NULLs
ALTER TABLE "public"."customer_address" ALTER COLUMN "parent_id" SET NOT NULL;

-- create index customer_address_parent_id_idx on public.customer_address
CREATE INDEX "customer_address_parent_id_idx" ON "public"."customer_address" ("parent_id");

-- create index customer_address_city_zip_key on public.customer_address
CREATE UNIQUE INDEX "customer_address_city_zip_key" ON "public"."customer_address" ("city", "zip");
