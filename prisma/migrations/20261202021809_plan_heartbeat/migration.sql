-- AlterTable
ALTER TABLE "Plan" ADD COLUMN     "heartbeatAt" TIMESTAMP(3);
