-- create table customer_address
CREATE TABLE "customer_address" (
  "id" INTEGER PRIMARY KEY,
  "street" TEXT NOT NULL,
  "zip" VARCHAR(10),
  "country" TEXT NOT NULL DEFAULT ('US'),
  "parent_id" INTEGER NOT NULL,
  FOREIGN KEY ("parent_id") REFERENCES "customer" ("id") ON DELETE CASCADE
);
