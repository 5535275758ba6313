-- CreateEnum
CREATE TYPE "CoolingType" AS ENUM ('AIR', 'FREE_AIR', 'EVAPORATIVE', 'LIQUID_COLD_PLATE', 'IMMERSION');

-- CreateEnum
CREATE TYPE "SiteStatus" AS ENUM ('ACTIVE', 'PLANNED', 'RETIRED');

-- CreateEnum
CREATE TYPE "LatencyMethod" AS ENUM ('MEASURED', 'MEASURED_PROXY', 'ESTIMATED');

-- CreateTable
CREATE TABLE "Site" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "country" TEXT NOT NULL,
    "regionLabel" TEXT NOT NULL,
    "latitude" DOUBLE PRECISION NOT NULL,
    "longitude" DOUBLE PRECISION NOT NULL,
    "pricePerKwh" DOUBLE PRECISION NOT NULL,
    "hourlyPricesPerKwh" DOUBLE PRECISION[],
    "utcOffsetHours" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "coolingType" "CoolingType" NOT NULL,
    "pue" DOUBLE PRECISION,
    "powerCapKw" DOUBLE PRECISION NOT NULL,
    "carbonGramsPerKwh" DOUBLE PRECISION NOT NULL,
    "status" "SiteStatus" NOT NULL DEFAULT 'ACTIVE',
    "notes" TEXT,
    "coolingDescription" TEXT,
    "priceLocal" DOUBLE PRECISION,
    "priceCurrency" TEXT,
    "priceBasis" TEXT,
    "priceSource" TEXT,
    "priceYear" TEXT,
    "priceConfidence" TEXT,
    "pueBasis" TEXT,
    "carbonSource" TEXT,
    "carbonYear" TEXT,
    "powerCapBasis" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Site_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GpuType" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "vendor" TEXT NOT NULL,
    "formFactor" TEXT,
    "boardPowerWatts" DOUBLE PRECISION,
    "powerWatts" DOUBLE PRECISION NOT NULL,
    "memoryGb" DOUBLE PRECISION NOT NULL,
    "memoryType" TEXT,
    "memoryBandwidthTbPerS" DOUBLE PRECISION,
    "capexPerHour" DOUBLE PRECISION NOT NULL,
    "priceUsd" DOUBLE PRECISION,
    "referenceTokensPerSecond" DOUBLE PRECISION,
    "throughputType" TEXT,
    "throughputSource" TEXT,
    "specSource" TEXT,
    "priceBasis" TEXT,
    "priceSource" TEXT,
    "amortizationBasis" TEXT,
    "notes" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GpuType_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WorkloadClass" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "rttBudgetMs" DOUBLE PRECISION,
    "ttftTargetMs" DOUBLE PRECISION,
    "tpotTargetMs" DOUBLE PRECISION,
    "hourlyDemandProfile" DOUBLE PRECISION[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WorkloadClass_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GpuThroughput" (
    "id" SERIAL NOT NULL,
    "gpuTypeId" INTEGER NOT NULL,
    "workloadClassId" INTEGER NOT NULL,
    "tokensPerSecond" DOUBLE PRECISION NOT NULL,
    "derivation" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GpuThroughput_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SiteInventory" (
    "id" SERIAL NOT NULL,
    "siteId" INTEGER NOT NULL,
    "gpuTypeId" INTEGER NOT NULL,
    "installed" INTEGER NOT NULL,
    "maxAdditional" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SiteInventory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DemandRegion" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "city" TEXT NOT NULL,
    "country" TEXT,
    "latitude" DOUBLE PRECISION NOT NULL,
    "longitude" DOUBLE PRECISION NOT NULL,
    "utcOffsetHours" DOUBLE PRECISION NOT NULL,
    "allowedCountries" TEXT[],
    "shareOfGlobalTokensPct" DOUBLE PRECISION,
    "shareBasis" TEXT,
    "latencyAnchor" TEXT,
    "notes" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DemandRegion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Demand" (
    "id" SERIAL NOT NULL,
    "regionId" INTEGER NOT NULL,
    "workloadClassId" INTEGER NOT NULL,
    "tokensPerSecond" DOUBLE PRECISION NOT NULL,
    "rttBudgetMs" DOUBLE PRECISION,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Demand_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Latency" (
    "id" SERIAL NOT NULL,
    "siteId" INTEGER NOT NULL,
    "regionId" INTEGER NOT NULL,
    "rttMs" DOUBLE PRECISION NOT NULL,
    "method" "LatencyMethod" NOT NULL,
    "greatCircleKm" DOUBLE PRECISION,
    "source" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Latency_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Site_code_key" ON "Site"("code");

-- CreateIndex
CREATE UNIQUE INDEX "GpuType_code_key" ON "GpuType"("code");

-- CreateIndex
CREATE UNIQUE INDEX "WorkloadClass_code_key" ON "WorkloadClass"("code");

-- CreateIndex
CREATE INDEX "GpuThroughput_workloadClassId_idx" ON "GpuThroughput"("workloadClassId");

-- CreateIndex
CREATE UNIQUE INDEX "GpuThroughput_gpuTypeId_workloadClassId_key" ON "GpuThroughput"("gpuTypeId", "workloadClassId");

-- CreateIndex
CREATE INDEX "SiteInventory_gpuTypeId_idx" ON "SiteInventory"("gpuTypeId");

-- CreateIndex
CREATE UNIQUE INDEX "SiteInventory_siteId_gpuTypeId_key" ON "SiteInventory"("siteId", "gpuTypeId");

-- CreateIndex
CREATE UNIQUE INDEX "DemandRegion_code_key" ON "DemandRegion"("code");

-- CreateIndex
CREATE INDEX "Demand_workloadClassId_idx" ON "Demand"("workloadClassId");

-- CreateIndex
CREATE UNIQUE INDEX "Demand_regionId_workloadClassId_key" ON "Demand"("regionId", "workloadClassId");

-- CreateIndex
CREATE INDEX "Latency_regionId_idx" ON "Latency"("regionId");

-- CreateIndex
CREATE UNIQUE INDEX "Latency_siteId_regionId_key" ON "Latency"("siteId", "regionId");

-- AddForeignKey
ALTER TABLE "GpuThroughput" ADD CONSTRAINT "GpuThroughput_gpuTypeId_fkey" FOREIGN KEY ("gpuTypeId") REFERENCES "GpuType"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GpuThroughput" ADD CONSTRAINT "GpuThroughput_workloadClassId_fkey" FOREIGN KEY ("workloadClassId") REFERENCES "WorkloadClass"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SiteInventory" ADD CONSTRAINT "SiteInventory_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SiteInventory" ADD CONSTRAINT "SiteInventory_gpuTypeId_fkey" FOREIGN KEY ("gpuTypeId") REFERENCES "GpuType"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Demand" ADD CONSTRAINT "Demand_regionId_fkey" FOREIGN KEY ("regionId") REFERENCES "DemandRegion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Demand" ADD CONSTRAINT "Demand_workloadClassId_fkey" FOREIGN KEY ("workloadClassId") REFERENCES "WorkloadClass"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Latency" ADD CONSTRAINT "Latency_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Latency" ADD CONSTRAINT "Latency_regionId_fkey" FOREIGN KEY ("regionId") REFERENCES "DemandRegion"("id") ON DELETE CASCADE ON UPDATE CASCADE;
