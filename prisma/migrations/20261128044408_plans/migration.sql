-- CreateEnum
CREATE TYPE "PlanStatus" AS ENUM ('QUEUED', 'RUNNING', 'SOLVED', 'INFEASIBLE', 'TIME_LIMIT', 'FAILED', 'CANCELLED');

-- CreateTable
CREATE TABLE "Plan" (
    "id" UUID NOT NULL,
    "name" TEXT,
    "status" "PlanStatus" NOT NULL DEFAULT 'QUEUED',
    "options" JSONB NOT NULL,
    "inputSnapshot" JSONB NOT NULL,
    "inputHash" TEXT NOT NULL,
    "result" JSONB,
    "costPerMillionTokens" DOUBLE PRECISION,
    "costPerHour" DOUBLE PRECISION,
    "servedTokensPerSecond" DOUBLE PRECISION,
    "unservedTokensPerSecond" DOUBLE PRECISION,
    "itPowerKw" DOUBLE PRECISION,
    "facilityPowerKw" DOUBLE PRECISION,
    "solver" TEXT,
    "modelVariables" INTEGER,
    "modelConstraints" INTEGER,
    "modelNonzeros" INTEGER,
    "buildMs" DOUBLE PRECISION,
    "solveMs" DOUBLE PRECISION,
    "mipGap" DOUBLE PRECISION,
    "errorMessage" TEXT,
    "sourcePlanId" UUID,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Plan_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Plan_status_requestedAt_idx" ON "Plan"("status", "requestedAt");

-- CreateIndex
CREATE INDEX "Plan_requestedAt_idx" ON "Plan"("requestedAt");

-- CreateIndex
CREATE INDEX "Plan_sourcePlanId_idx" ON "Plan"("sourcePlanId");

-- AddForeignKey
ALTER TABLE "Plan" ADD CONSTRAINT "Plan_sourcePlanId_fkey" FOREIGN KEY ("sourcePlanId") REFERENCES "Plan"("id") ON DELETE SET NULL ON UPDATE CASCADE;
