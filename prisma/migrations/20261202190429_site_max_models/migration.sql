-- Several LLMs (#13): a site may cap how many different models it hosts. null = no cap.
-- AlterTable
ALTER TABLE "Site" ADD COLUMN     "maxModels" INTEGER;
