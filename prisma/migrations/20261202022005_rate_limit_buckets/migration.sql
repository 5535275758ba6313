-- CreateTable
CREATE TABLE "RateLimitBucket" (
    "caller" TEXT NOT NULL,
    "limitName" TEXT NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RateLimitBucket_pkey" PRIMARY KEY ("caller","limitName")
);
