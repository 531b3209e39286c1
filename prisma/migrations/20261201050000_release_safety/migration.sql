-- CreateEnum
CREATE TYPE "ApprovalDecision" AS ENUM ('approved', 'rejected');

-- CreateEnum
CREATE TYPE "FreezeKind" AS ENUM ('weekly', 'once');

-- CreateEnum
CREATE TYPE "FreezeAutoDeploy" AS ENUM ('wait', 'drop');

-- CreateEnum
CREATE TYPE "NotificationChannel" AS ENUM ('dingtalk', 'wecom', 'feishu', 'slack', 'webhook');

-- CreateEnum
CREATE TYPE "NotificationDeliveryState" AS ENUM ('pending', 'sent', 'failed');

-- AlterEnum


ALTER TYPE "DeploymentState" ADD VALUE 'awaiting_approval';
ALTER TYPE "DeploymentState" ADD VALUE 'rejected';
ALTER TYPE "DeploymentState" ADD VALUE 'expired';

-- AlterEnum
ALTER TYPE "WebhookOutcome" ADD VALUE 'frozen';

-- AlterEnum
ALTER TYPE "AutoDeployState" ADD VALUE 'frozen';

-- AlterTable
ALTER TABLE "Environment" ADD COLUMN     "approvalTtlMinutes" INTEGER NOT NULL DEFAULT 1440,
ADD COLUMN     "approvalsRequired" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "approverUserIds" UUID[] DEFAULT ARRAY[]::UUID[],
ADD COLUMN     "logRetentionDays" INTEGER,
ADD COLUMN     "promoteFromId" UUID;

-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "approvalExpiresAt" TIMESTAMP(3),
ADD COLUMN     "approvalsRequired" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "approvedAt" TIMESTAMP(3),
ADD COLUMN     "freezeOverrideReason" TEXT,
ADD COLUMN     "logsPrunedAt" TIMESTAMP(3),
ADD COLUMN     "promotionOverrideReason" TEXT;

-- AlterTable
ALTER TABLE "AutoDeploy" ADD COLUMN     "heldUntil" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "DeploymentApproval" (
    "id" UUID NOT NULL,
    "deploymentId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "userLabel" TEXT NOT NULL,
    "decision" "ApprovalDecision" NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeploymentApproval_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FreezeWindow" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "environmentId" UUID,
    "kind" "FreezeKind" NOT NULL,
    "reason" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL DEFAULT 'UTC',
    "startDay" INTEGER,
    "startTime" TEXT,
    "endDay" INTEGER,
    "endTime" TEXT,
    "startsAt" TIMESTAMP(3),
    "endsAt" TIMESTAMP(3),
    "autoDeploy" "FreezeAutoDeploy" NOT NULL DEFAULT 'wait',
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FreezeWindow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotificationSubscription" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "environmentId" UUID,
    "name" TEXT NOT NULL,
    "channel" "NotificationChannel" NOT NULL,
    "urlSealed" BYTEA NOT NULL,
    "urlHint" TEXT NOT NULL,
    "secretSealed" BYTEA,
    "events" TEXT[],
    "allowPrivateNetwork" BOOLEAN NOT NULL DEFAULT false,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "lastSentAt" TIMESTAMP(3),
    "lastError" TEXT,
    "lastErrorAt" TIMESTAMP(3),
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NotificationSubscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotificationDelivery" (
    "id" UUID NOT NULL,
    "subscriptionId" UUID NOT NULL,
    "auditEventId" BIGINT NOT NULL,
    "event" TEXT NOT NULL,
    "deploymentId" UUID,
    "state" "NotificationDeliveryState" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "NotificationDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DeploymentApproval_deploymentId_userId_key" ON "DeploymentApproval"("deploymentId", "userId");

-- CreateIndex
CREATE INDEX "FreezeWindow_projectId_idx" ON "FreezeWindow"("projectId");

-- CreateIndex
CREATE INDEX "NotificationSubscription_projectId_idx" ON "NotificationSubscription"("projectId");

-- CreateIndex
CREATE INDEX "NotificationDelivery_subscriptionId_createdAt_idx" ON "NotificationDelivery"("subscriptionId", "createdAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "NotificationDelivery_subscriptionId_auditEventId_key" ON "NotificationDelivery"("subscriptionId", "auditEventId");

-- CreateIndex
CREATE INDEX "Deployment_state_approvalExpiresAt_idx" ON "Deployment"("state", "approvalExpiresAt");

-- CreateIndex
CREATE INDEX "Deployment_environmentId_finishedAt_idx" ON "Deployment"("environmentId", "finishedAt");

-- CreateIndex
CREATE INDEX "AuditEvent_subjectType_subjectId_idx" ON "AuditEvent"("subjectType", "subjectId");

-- CreateIndex
CREATE INDEX "AuditEvent_action_at_idx" ON "AuditEvent"("action", "at" DESC);

-- AddForeignKey
ALTER TABLE "Environment" ADD CONSTRAINT "Environment_promoteFromId_fkey" FOREIGN KEY ("promoteFromId") REFERENCES "Environment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeploymentApproval" ADD CONSTRAINT "DeploymentApproval_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FreezeWindow" ADD CONSTRAINT "FreezeWindow_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FreezeWindow" ADD CONSTRAINT "FreezeWindow_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NotificationSubscription" ADD CONSTRAINT "NotificationSubscription_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NotificationSubscription" ADD CONSTRAINT "NotificationSubscription_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NotificationDelivery" ADD CONSTRAINT "NotificationDelivery_subscriptionId_fkey" FOREIGN KEY ("subscriptionId") REFERENCES "NotificationSubscription"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NotificationDelivery" ADD CONSTRAINT "NotificationDelivery_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

