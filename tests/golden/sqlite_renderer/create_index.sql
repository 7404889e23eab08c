-- index the foreign key
CREATE INDEX "customer_address_parent_id" ON "customer_address" ("parent_id");

-- create index customer_address_street_zip on customer_address
CREATE UNIQUE INDEX "customer_address_street_zip" ON "customer_address" ("street", "zip");

-- create index customer_address_zip on customer_address
CREATE INDEX customer_address_zip ON customer_address (zip) WHERE zip IS NOT NULL;
