-- AlterTable
ALTER TABLE "Plan" ADD COLUMN     "scenarioApplied" JSONB,
ADD COLUMN     "scenarioId" UUID;

-- CreateTable
CREATE TABLE "Scenario" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "overrides" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Scenario_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Scenario_code_key" ON "Scenario"("code");

-- CreateIndex
CREATE INDEX "Plan_scenarioId_idx" ON "Plan"("scenarioId");

-- AddForeignKey
ALTER TABLE "Plan" ADD CONSTRAINT "Plan_scenarioId_fkey" FOREIGN KEY ("scenarioId") REFERENCES "Scenario"("id") ON DELETE SET NULL ON UPDATE CASCADE;
