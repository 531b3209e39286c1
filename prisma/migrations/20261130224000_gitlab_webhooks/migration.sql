-- GitLab webhooks (issue 7): a hashed secret per project, every delivery and what became of
-- it, auto-deploy rules per environment, each environment's share of a delivery (AutoDeploy),
-- and commits learnt from pushes and artifacts (for changelogs).
-- CreateEnum
CREATE TYPE "WebhookEventKind" AS ENUM ('push', 'tag_push', 'pipeline', 'other');

-- CreateEnum
CREATE TYPE "WebhookOutcome" AS ENUM ('pending', 'deployed', 'waiting', 'ignored', 'superseded', 'expired', 'failed', 'rejected');

-- CreateEnum
CREATE TYPE "AutoDeployRefType" AS ENUM ('branch', 'tag');

-- CreateEnum
CREATE TYPE "AutoDeployEvent" AS ENUM ('push', 'pipeline');

-- CreateEnum
CREATE TYPE "AutoDeployState" AS ENUM ('waiting', 'deployed', 'superseded', 'expired', 'failed', 'refused', 'ignored');

-- CreateTable
CREATE TABLE "ProjectWebhook" (
    "projectId" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "tokenPrefix" TEXT NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rotatedAt" TIMESTAMP(3),

    CONSTRAINT "ProjectWebhook_pkey" PRIMARY KEY ("projectId")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "projectId" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "kind" "WebhookEventKind" NOT NULL,
    "ref" TEXT,
    "sha" TEXT,
    "commitAt" TIMESTAMP(3),
    "actor" TEXT,
    "idempotencyKey" TEXT NOT NULL,
    "eventUuid" TEXT,
    "outcome" "WebhookOutcome" NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AutoDeployRule" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "environmentId" UUID NOT NULL,
    "refType" "AutoDeployRefType" NOT NULL,
    "pattern" TEXT NOT NULL,
    "event" "AutoDeployEvent" NOT NULL DEFAULT 'push',
    "waitForArtifactSeconds" INTEGER NOT NULL DEFAULT 1800,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AutoDeployRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AutoDeploy" (
    "id" UUID NOT NULL,
    "deliveryId" UUID NOT NULL,
    "environmentId" UUID NOT NULL,
    "ruleId" UUID,
    "sha" TEXT,
    "state" "AutoDeployState" NOT NULL,
    "reason" TEXT NOT NULL,
    "orderAt" TIMESTAMP(3) NOT NULL,
    "seq" BIGINT NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "deploymentId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settledAt" TIMESTAMP(3),

    CONSTRAINT "AutoDeploy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Commit" (
    "projectId" UUID NOT NULL,
    "sha" TEXT NOT NULL,
    "parentSha" TEXT,
    "title" TEXT NOT NULL,
    "authorName" TEXT,
    "authorEmail" TEXT,
    "authoredAt" TIMESTAMP(3),
    "url" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Commit_pkey" PRIMARY KEY ("projectId","sha")
);

-- CreateIndex
CREATE INDEX "WebhookDelivery_projectId_receivedAt_idx" ON "WebhookDelivery"("projectId", "receivedAt" DESC);

-- CreateIndex
CREATE INDEX "WebhookDelivery_outcome_receivedAt_idx" ON "WebhookDelivery"("outcome", "receivedAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_receivedAt_idx" ON "WebhookDelivery"("receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_projectId_idempotencyKey_key" ON "WebhookDelivery"("projectId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "AutoDeployRule_projectId_idx" ON "AutoDeployRule"("projectId");

-- CreateIndex
CREATE UNIQUE INDEX "AutoDeployRule_environmentId_refType_pattern_event_key" ON "AutoDeployRule"("environmentId", "refType", "pattern", "event");

-- CreateIndex
CREATE INDEX "AutoDeploy_state_environmentId_idx" ON "AutoDeploy"("state", "environmentId");

-- CreateIndex
CREATE INDEX "AutoDeploy_environmentId_state_orderAt_idx" ON "AutoDeploy"("environmentId", "state", "orderAt");

-- CreateIndex
CREATE INDEX "AutoDeploy_deploymentId_idx" ON "AutoDeploy"("deploymentId");

-- CreateIndex
CREATE INDEX "AutoDeploy_ruleId_idx" ON "AutoDeploy"("ruleId");

-- CreateIndex
CREATE UNIQUE INDEX "AutoDeploy_deliveryId_environmentId_key" ON "AutoDeploy"("deliveryId", "environmentId");

-- AddForeignKey
ALTER TABLE "ProjectWebhook" ADD CONSTRAINT "ProjectWebhook_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutoDeployRule" ADD CONSTRAINT "AutoDeployRule_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutoDeployRule" ADD CONSTRAINT "AutoDeployRule_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutoDeploy" ADD CONSTRAINT "AutoDeploy_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "WebhookDelivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutoDeploy" ADD CONSTRAINT "AutoDeploy_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutoDeploy" ADD CONSTRAINT "AutoDeploy_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "AutoDeployRule"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutoDeploy" ADD CONSTRAINT "AutoDeploy_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Commit" ADD CONSTRAINT "Commit_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

