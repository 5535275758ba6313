-- AlterTable
ALTER TABLE "Plan" ADD COLUMN     "basis" BYTEA,
ADD COLUMN     "structureKey" TEXT;

-- CreateIndex
CREATE INDEX "Plan_structureKey_finishedAt_idx" ON "Plan"("structureKey", "finishedAt");
