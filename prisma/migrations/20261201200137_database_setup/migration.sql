-- CreateTable
CREATE TABLE "DatabaseSetup" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "fixturesSeededAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DatabaseSetup_pkey" PRIMARY KEY ("id")
);

-- one row only (Prisma does not model CHECK constraints, and its diff ignores them)
ALTER TABLE "DatabaseSetup" ADD CONSTRAINT "DatabaseSetup_one_row" CHECK ("id" = 1);
