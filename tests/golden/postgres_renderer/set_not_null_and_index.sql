-- customer_address: set parent_id NOT NULL (a full scan under an exclusive lock checks for NULLs)
ALTER TABLE "public"."customer_address" ALTER COLUMN "parent_id" SET NOT NULL;

-- customer_address: index customer_address_parent_id_idx on parent_id
CREATE INDEX "customer_address_parent_id_idx" ON "public"."customer_address" ("parent_id");

-- customer_address: unique index customer_address_city_zip_key on city, zip
CREATE UNIQUE INDEX "customer_address_city_zip_key" ON "public"."customer_address" ("city", "zip");
