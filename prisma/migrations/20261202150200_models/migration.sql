-- Several LLMs (#13): throughputs and demand belong to a model. Written by
-- `npm run db:migration` and edited by hand so that a database from before
-- models existed keeps its data: its throughputs and demand are given to one
-- model, DEFAULT, created here only when there is such a row to carry (a new
-- database gets its models from its data). No semicolon inside a statement:
-- Prisma's PostgreSQL adapter splits a migration at every one.

-- CreateTable
CREATE TABLE "Model" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "vendor" TEXT NOT NULL,
    "paramsTotalB" DOUBLE PRECISION,
    "paramsActiveB" DOUBLE PRECISION,
    "architecture" TEXT,
    "servedPrecision" TEXT,
    "weightsGb" DOUBLE PRECISION,
    "contextTokens" INTEGER,
    "license" TEXT,
    "source" TEXT,
    "notes" TEXT,
    "allowedCountries" TEXT[],
    "allowedSites" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Model_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Model_code_key" ON "Model"("code");

-- The model that carries what was recorded before models existed
INSERT INTO "Model" ("code", "name", "vendor", "source", "allowedCountries", "allowedSites", "updatedAt")
SELECT 'DEFAULT', 'Default model', 'unspecified',
       'created by migration 20261202150200_models: it carries the throughputs and demand recorded before models existed',
       ARRAY[]::TEXT[], ARRAY[]::TEXT[], CURRENT_TIMESTAMP
WHERE EXISTS (SELECT 1 FROM "GpuThroughput") OR EXISTS (SELECT 1 FROM "Demand");

-- AlterTable: the columns, filled, then required
ALTER TABLE "Demand" ADD COLUMN "modelId" INTEGER;
ALTER TABLE "GpuThroughput" ADD COLUMN "gpusPerReplica" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN "modelId" INTEGER;

UPDATE "Demand" SET "modelId" = (SELECT "id" FROM "Model" WHERE "code" = 'DEFAULT');
UPDATE "GpuThroughput" SET "modelId" = (SELECT "id" FROM "Model" WHERE "code" = 'DEFAULT');

ALTER TABLE "Demand" ALTER COLUMN "modelId" SET NOT NULL;
ALTER TABLE "GpuThroughput" ALTER COLUMN "modelId" SET NOT NULL;

-- DropIndex
DROP INDEX "Demand_regionId_workloadClassId_key";

-- DropIndex
DROP INDEX "GpuThroughput_gpuTypeId_workloadClassId_key";

-- CreateIndex
CREATE INDEX "Demand_modelId_idx" ON "Demand"("modelId");

-- CreateIndex
CREATE UNIQUE INDEX "Demand_regionId_modelId_workloadClassId_key" ON "Demand"("regionId", "modelId", "workloadClassId");

-- CreateIndex
CREATE INDEX "GpuThroughput_modelId_idx" ON "GpuThroughput"("modelId");

-- CreateIndex
CREATE UNIQUE INDEX "GpuThroughput_gpuTypeId_modelId_workloadClassId_key" ON "GpuThroughput"("gpuTypeId", "modelId", "workloadClassId");

-- AddForeignKey
ALTER TABLE "GpuThroughput" ADD CONSTRAINT "GpuThroughput_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Demand" ADD CONSTRAINT "Demand_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Models are reference data like GPU types: a change bumps the lookup version (migration 20261202061920_lookup_version)
CREATE TRIGGER "Model_bump_lookup_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Model"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_lookup_version"();
