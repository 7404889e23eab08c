-- rebuild table ticket: create the new table addrmig_new_ticket
CREATE TABLE "addrmig_new_ticket" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "parent_id" INTEGER NOT NULL
);

-- rebuild table ticket: copy every row into the rebuilt table
INSERT INTO "addrmig_new_ticket" ("id", "parent_id")
SELECT "id", "parent_id" FROM "ticket";

-- rebuild table ticket: keep the AUTOINCREMENT counter, so no id is reused
DELETE FROM sqlite_sequence WHERE name = 'addrmig_new_ticket';

-- rebuild table ticket: keep the AUTOINCREMENT counter, so no id is reused
INSERT INTO sqlite_sequence (name, seq)
SELECT 'addrmig_new_ticket', seq FROM sqlite_sequence WHERE name = 'ticket' COLLATE NOCASE;

-- rebuild table ticket: drop the old table with its indexes and triggers
DROP TABLE "ticket";

-- rebuild table ticket: rename without re-checking triggers and views that name the table
PRAGMA legacy_alter_table = ON;

-- rebuild table ticket: give the rebuilt table its name
ALTER TABLE "addrmig_new_ticket" RENAME TO "ticket";

-- rebuild table ticket: back to the default rename behaviour
PRAGMA legacy_alter_table = OFF;
