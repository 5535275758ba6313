-- CreateEnum
CREATE TYPE "SweepParameter" AS ENUM ('PRICE_MULTIPLIER', 'DEMAND_GROWTH', 'LATENCY_BUDGET_MS');

-- AlterTable
ALTER TABLE "Plan" ADD COLUMN     "carbonKgPerHour" DOUBLE PRECISION,
ADD COLUMN     "carbonKgPerMillionTokens" DOUBLE PRECISION,
ADD COLUMN     "sweepId" UUID,
ADD COLUMN     "sweepIndex" INTEGER,
ADD COLUMN     "sweepValue" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "PlanSweep" (
    "id" UUID NOT NULL,
    "name" TEXT,
    "parameter" "SweepParameter" NOT NULL,
    "values" DOUBLE PRECISION[],
    "scope" JSONB NOT NULL,
    "scenarioCode" TEXT,
    "options" JSONB NOT NULL,
    "requestedByKeyId" TEXT,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PlanSweep_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PlanSweep_requestedAt_idx" ON "PlanSweep"("requestedAt");

-- CreateIndex
CREATE INDEX "Plan_sweepId_sweepIndex_idx" ON "Plan"("sweepId", "sweepIndex");

-- AddForeignKey
ALTER TABLE "Plan" ADD CONSTRAINT "Plan_sweepId_fkey" FOREIGN KEY ("sweepId") REFERENCES "PlanSweep"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Plans solved before: their carbon figures from the stored result's totals
UPDATE "Plan" SET
  "carbonKgPerHour" = (result->'totals'->>'carbonKgPerHour')::double precision,
  "carbonKgPerMillionTokens" = (result->'totals'->>'carbonKgPerMillionTokens')::double precision
WHERE result IS NOT NULL AND jsonb_typeof(result->'totals') = 'object';
