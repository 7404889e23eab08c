-- addrmig 0.1.0 plan for sqlite
BEGIN;
-- create table customer
CREATE TABLE "customer" (
  "id" INTEGER PRIMARY KEY,
  "name" TEXT NOT NULL
);
-- create table customer_address
CREATE TABLE "customer_address" (
  "id" INTEGER PRIMARY KEY,
  "street" TEXT NOT NULL,
  "city" TEXT NOT NULL,
  "zip" TEXT NOT NULL,
  "parent_id" INTEGER NOT NULL,
  CONSTRAINT "customer_address_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "customer" ("id") ON DELETE CASCADE
);
-- index customer_address.parent_id
CREATE INDEX "customer_address_parent_id_idx" ON "customer_address" ("parent_id");
-- create table supplier
CREATE TABLE "supplier" (
  "id" INTEGER PRIMARY KEY,
  "company_name" TEXT NOT NULL
);
-- create table supplier_address
CREATE TABLE "supplier_address" (
  "id" INTEGER PRIMARY KEY,
  "street" TEXT NOT NULL,
  "city" TEXT NOT NULL,
  "zip" TEXT NOT NULL,
  "parent_id" INTEGER NOT NULL,
  CONSTRAINT "supplier_address_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "supplier" ("id") ON DELETE CASCADE
);
-- index supplier_address.parent_id
CREATE INDEX "supplier_address_parent_id_idx" ON "supplier_address" ("parent_id");
COMMIT;
