ALTER TABLE "DeploymentTarget" ADD COLUMN "detail" JSONB;
