-- rebuild table ticket: create the new table addrmig_new_ticket
CREATE TABLE "addrmig_new_ticket" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "parent_id" INTEGER NOT NULL
);

-- ticket: copy every row into the rebuilt table
INSERT INTO "addrmig_new_ticket" ("id", "parent_id")
SELECT "id", "parent_id" FROM "ticket";

-- ticket: keep the AUTOINCREMENT counter, so no id is reused
DELETE FROM sqlite_sequence WHERE name = 'addrmig_new_ticket';

-- ticket: keep the AUTOINCREMENT counter, so no id is reused
INSERT INTO sqlite_sequence (name, seq)
SELECT 'addrmig_new_ticket', seq FROM sqlite_sequence WHERE name = 'ticket' COLLATE NOCASE;

-- ticket: drop the old table with its indexes and triggers
DROP TABLE "ticket";

-- ticket: rename without re-checking triggers and views that name the table
PRAGMA legacy_alter_table = ON;

-- ticket: give the rebuilt table its name
ALTER TABLE "addrmig_new_ticket" RENAME TO "ticket";

-- ticket: back to the default rename behaviour
PRAGMA legacy_alter_table = OFF;
