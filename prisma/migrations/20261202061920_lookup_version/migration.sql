-- CreateTable
CREATE TABLE "LookupVersion" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "LookupVersion_pkey" PRIMARY KEY ("id")
);

-- The one row, and the triggers that bump it: every statement that writes a
-- reference table (inserts, updates, deletes, cascades and truncates alike, from
-- any process or tool) bumps the version in its own transaction, so a reader
-- that sees the new version also sees the new rows.
INSERT INTO "LookupVersion" ("id", "version") VALUES (1, 0);

-- The body is written without a semicolon (\073 is one, in an escaped string):
-- Prisma's PostgreSQL adapter applies a migration as statements split at every
-- semicolon, dollar quotes or not.
CREATE FUNCTION "bump_lookup_version"() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN UPDATE "LookupVersion" SET "version" = "version" + 1 WHERE "id" = 1\073 RETURN NULL\073 END';

CREATE TRIGGER "GpuType_bump_lookup_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "GpuType"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_lookup_version"();
CREATE TRIGGER "GpuThroughput_bump_lookup_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "GpuThroughput"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_lookup_version"();
CREATE TRIGGER "WorkloadClass_bump_lookup_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "WorkloadClass"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_lookup_version"();
