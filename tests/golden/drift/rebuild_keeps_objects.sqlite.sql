-- addrmig 0.1.0 plan for sqlite
PRAGMA foreign_keys = OFF;
BEGIN;
-- rebuild table customer_address (add foreign key): create the new table addrmig_new_customer_address
CREATE TABLE "addrmig_new_customer_address" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "street" TEXT NOT NULL,
  "city" TEXT NOT NULL,
  "zip" TEXT NOT NULL,
  "parent_id" INTEGER NOT NULL,
  UNIQUE ("street", "zip"),
  CONSTRAINT "customer_address_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "customer" ("id") ON DELETE CASCADE
);
-- rebuild table customer_address (add foreign key): copy every row into the rebuilt table
INSERT INTO "addrmig_new_customer_address" ("id", "street", "city", "zip", "parent_id")
SELECT "id", "street", "city", "zip", "parent_id" FROM "customer_address";
-- rebuild table customer_address (add foreign key): keep the AUTOINCREMENT counter, so no id is reused
DELETE FROM sqlite_sequence WHERE name = 'addrmig_new_customer_address';
-- rebuild table customer_address (add foreign key): keep the AUTOINCREMENT counter, so no id is reused
INSERT INTO sqlite_sequence (name, seq)
SELECT 'addrmig_new_customer_address', seq FROM sqlite_sequence WHERE name = 'customer_address' COLLATE NOCASE;
-- rebuild table customer_address (add foreign key): drop dependent view addresses_per_city (recreated below)
DROP VIEW "addresses_per_city";
-- rebuild table customer_address (add foreign key): drop the old table with its indexes and triggers
DROP TABLE "customer_address";
-- rebuild table customer_address (add foreign key): rename without re-checking triggers and views that name the table
PRAGMA legacy_alter_table = ON;
-- rebuild table customer_address (add foreign key): give the rebuilt table its name
ALTER TABLE "addrmig_new_customer_address" RENAME TO "customer_address";
-- rebuild table customer_address (add foreign key): back to the default rename behaviour
PRAGMA legacy_alter_table = OFF;
-- rebuild table customer_address (add foreign key): recreate index customer_address_parent_id_idx
CREATE INDEX customer_address_parent_id_idx ON customer_address (parent_id);
-- rebuild table customer_address (add foreign key): recreate index address_by_city
CREATE INDEX address_by_city ON customer_address (city);
-- rebuild table customer_address (add foreign key): recreate trigger address_city_log
CREATE TRIGGER address_city_log AFTER UPDATE OF city ON customer_address
BEGIN INSERT INTO address_log VALUES (old.id, old.city, new.city); END;
-- rebuild table customer_address (add foreign key): recreate view addresses_per_city
CREATE VIEW addresses_per_city AS SELECT city, count(*) AS n FROM customer_address GROUP BY city;
COMMIT;
PRAGMA foreign_keys = ON;
