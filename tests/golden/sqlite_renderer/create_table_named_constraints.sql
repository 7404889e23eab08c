-- create table customer
CREATE TABLE "customer" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "name" TEXT NOT NULL
);

-- create table customer_address
CREATE TABLE "customer_address" (
  "id" INTEGER PRIMARY KEY,
  "street" TEXT NOT NULL,
  "zip" VARCHAR(10),
  "country" TEXT NOT NULL DEFAULT ('US'),
  "parent_id" INTEGER NOT NULL,
  CONSTRAINT "customer_address_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "customer" ("id") ON DELETE RESTRICT,
  FOREIGN KEY ("zip") REFERENCES "zip_code"
);
