-- add column city
ALTER TABLE "customer_address" ADD COLUMN "city" TEXT;

-- add column customer_address.zip
ALTER TABLE "customer_address" ADD COLUMN "zip" VARCHAR(10) NOT NULL DEFAULT ('');

-- add column customer_address.legacy
ALTER TABLE "customer_address" ADD COLUMN "legacy";
