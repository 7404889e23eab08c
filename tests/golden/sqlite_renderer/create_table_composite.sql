-- create table region_link
CREATE TABLE "region_link" (
  "code" TEXT NOT NULL,
  "country" TEXT NOT NULL,
  "note",
  "id" INT NOT NULL,
  "since" TIMESTAMP DEFAULT (CURRENT_TIMESTAMP),
  PRIMARY KEY ("code", "country"),
  UNIQUE ("id"),
  FOREIGN KEY ("code", "country") REFERENCES "region" ("code", "country") ON DELETE SET NULL
) WITHOUT ROWID;

-- create table int_key
CREATE TABLE "int_key" (
  "id" INT NOT NULL,
  PRIMARY KEY ("id")
);
