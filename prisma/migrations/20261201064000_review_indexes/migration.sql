-- CreateIndex
CREATE INDEX "Artifact_version_idx" ON "Artifact"("version");

-- CreateIndex
CREATE INDEX "Deployment_createdAt_id_idx" ON "Deployment"("createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Deployment_state_createdAt_idx" ON "Deployment"("state", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Deployment_artifactId_idx" ON "Deployment"("artifactId");

-- CreateIndex
CREATE INDEX "Deployment_previousArtifactId_idx" ON "Deployment"("previousArtifactId");

-- CreateIndex
CREATE INDEX "AuditEvent_projectId_id_idx" ON "AuditEvent"("projectId", "id" DESC);

-- CreateIndex
CREATE INDEX "AuditEvent_action_id_idx" ON "AuditEvent"("action", "id" DESC);

-- CreateIndex
CREATE INDEX "NotificationDelivery_state_createdAt_idx" ON "NotificationDelivery"("state", "createdAt");

