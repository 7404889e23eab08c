-- addrmig 0.1.0 plan for sqlite
PRAGMA foreign_keys = OFF;
BEGIN;
-- rebuild table customer_address (replace foreign key): create the new table addrmig_new_customer_address
CREATE TABLE "addrmig_new_customer_address" (
  "id" INTEGER PRIMARY KEY,
  "street" TEXT NOT NULL,
  "city" TEXT NOT NULL,
  "zip" TEXT NOT NULL,
  "parent_id" INTEGER NOT NULL,
  CONSTRAINT "customer_address_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "customer" ("id") ON DELETE CASCADE
);
-- rebuild table customer_address (replace foreign key): copy every row into the rebuilt table
INSERT INTO "addrmig_new_customer_address" ("id", "street", "city", "zip", "parent_id")
SELECT "id", "street", "city", "zip", "parent_id" FROM "customer_address";
-- rebuild table customer_address (replace foreign key): drop the old table with its indexes and triggers
DROP TABLE "customer_address";
-- rebuild table customer_address (replace foreign key): rename without re-checking triggers and views that name the table
PRAGMA legacy_alter_table = ON;
-- rebuild table customer_address (replace foreign key): give the rebuilt table its name
ALTER TABLE "addrmig_new_customer_address" RENAME TO "customer_address";
-- rebuild table customer_address (replace foreign key): back to the default rename behaviour
PRAGMA legacy_alter_table = OFF;
-- rebuild table customer_address (replace foreign key): recreate index customer_address_parent_id_idx
CREATE INDEX customer_address_parent_id_idx ON customer_address (parent_id);
COMMIT;
PRAGMA foreign_keys = ON;
