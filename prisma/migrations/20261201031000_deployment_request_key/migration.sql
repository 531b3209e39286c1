-- Idempotency-Key of the request that created a deployment (one deployment per key and project).
ALTER TABLE "Deployment" ADD COLUMN "requestKey" TEXT;
CREATE UNIQUE INDEX "Deployment_projectId_requestKey_key" ON "Deployment"("projectId", "requestKey");
