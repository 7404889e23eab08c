-- create table order"; DROP TABLE x; --\x0aline
CREATE TABLE "order""; DROP TABLE x; --
line" (
  "id" INTEGER PRIMARY KEY,
  "user's ""name""" TEXT NOT NULL,
  "straße 地址" INTEGER NOT NULL,
  CONSTRAINT "fk ""q""" FOREIGN KEY ("straße 地址") REFERENCES "select" ("from") ON DELETE CASCADE
);

-- create index idx;"x" on order"; DROP TABLE x; --\x0aline
CREATE INDEX "idx;""x""" ON "order""; DROP TABLE x; --
line" ("straße 地址");
