// Builds and starts the worker role (also used by the integration tests).
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { JsonLogger } from './common/json-logger.js';
import type { AppConfig } from './config/app-config.js';
import { ApprovalExpirySweeper } from './worker/approval-expiry-sweeper.service.js';
import { AutoDeploySweeper } from './worker/auto-deploy-sweeper.service.js';
import { DeployWorker } from './worker/deploy-worker.service.js';
import { NotificationRelay } from './worker/notification-relay.service.js';
import { NotificationRetentionSweeper } from './worker/notification-retention-sweeper.service.js';
import { NotificationWorker } from './worker/notification-worker.service.js';
import { RetentionSweeper } from './worker/retention-sweeper.service.js';
import { LogRetentionSweeper } from './worker/log-retention-sweeper.service.js';
import { Watchdog } from './worker/watchdog.service.js';
import { WebhookWorker } from './worker/webhook-worker.service.js';
import { WorkerModule } from './worker/worker.module.js';

export interface RunningWorker {
  app: INestApplicationContext;
  stop(): Promise<void>;
}

export async function startWorker(
  config: AppConfig,
  logger = new JsonLogger(config.WHARF_LOG_LEVEL),
): Promise<RunningWorker> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, logger), { logger });
  const worker = app.get(DeployWorker);
  worker.start();
  app.get(Watchdog).start();
  const webhooks = app.get(WebhookWorker);
  webhooks.start();
  app.get(AutoDeploySweeper).start();
  app.get(ApprovalExpirySweeper).start();
  app.get(RetentionSweeper).start();
  app.get(LogRetentionSweeper).start();
  app.get(NotificationRetentionSweeper).start();
  const notifications = app.get(NotificationWorker);
  notifications.start();
  app.get(NotificationRelay).start();
  return {
    app,
    async stop() {
      await webhooks.stop();
      await notifications.stop();
      await worker.stop();
      await app.close();
    },
  };
}
