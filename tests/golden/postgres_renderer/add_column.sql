-- add column public.customer_address.country
ALTER TABLE "public"."customer_address" ADD COLUMN "country" varchar(2);

-- add column public.customer_address.state: NOT NULL with a default, existing rows get the default
ALTER TABLE "public"."customer_address" ADD COLUMN "state" text NOT NULL DEFAULT 'n/a';
