-- rebuild table customer_address (add foreign key parent_id): create the new table addrmig_new_customer_address
CREATE TABLE "addrmig_new_customer_address" (
  "id" INTEGER PRIMARY KEY,
  "street" TEXT NOT NULL,
  "zip" varchar(10),
  "code" TEXT,
  "parent_id" INTEGER NOT NULL,
  "city" TEXT NOT NULL DEFAULT (''),
  UNIQUE ("code"),
  FOREIGN KEY ("parent_id") REFERENCES "customer" ("id") ON DELETE CASCADE
);

-- rebuild table customer_address (add foreign key parent_id): copy every row into the rebuilt table
INSERT INTO "addrmig_new_customer_address" ("id", "street", "zip", "code", "parent_id")
SELECT "id", "street", "zip", "code", "parent_id" FROM "customer_address";

-- rebuild table customer_address (add foreign key parent_id): drop dependent view street_count (recreated below)
DROP VIEW "street_count";

-- rebuild table customer_address (add foreign key parent_id): drop dependent view street_names (recreated below)
DROP VIEW "street_names";

-- rebuild table customer_address (add foreign key parent_id): drop the old table with its indexes and triggers
DROP TABLE "customer_address";

-- rebuild table customer_address (add foreign key parent_id): rename without re-checking triggers and views that name the table
PRAGMA legacy_alter_table = ON;

-- rebuild table customer_address (add foreign key parent_id): give the rebuilt table its name
ALTER TABLE "addrmig_new_customer_address" RENAME TO "customer_address";

-- rebuild table customer_address (add foreign key parent_id): back to the default rename behaviour
PRAGMA legacy_alter_table = OFF;

-- rebuild table customer_address (add foreign key parent_id): recreate index customer_address_zip
CREATE INDEX customer_address_zip ON customer_address (zip) WHERE zip IS NOT NULL;

-- rebuild table customer_address (add foreign key parent_id): recreate index customer_address_lower_street
CREATE INDEX customer_address_lower_street ON customer_address (lower(street));

-- rebuild table customer_address (add foreign key parent_id): recreate trigger customer_address_audit
CREATE TRIGGER customer_address_audit AFTER DELETE ON customer_address BEGIN INSERT INTO audit (what) VALUES (old.street); END;

-- rebuild table customer_address (add foreign key parent_id): recreate view street_names
CREATE VIEW street_names AS SELECT street FROM customer_address;

-- rebuild table customer_address (add foreign key parent_id): recreate view street_count
CREATE VIEW street_count AS SELECT count(*) AS n FROM street_names;
