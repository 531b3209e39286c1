import { type DynamicModule, Module } from '@nestjs/common';
import { ArtifactsModule } from '../artifacts/artifacts.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { JsonLogger } from '../common/json-logger.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { DeploymentEvents } from '../deployments/deployment-events.js';
import { DeploymentsService } from '../deployments/deployments.service.js';
import { PrismaModule } from '../prisma/prisma.module.js';
import { QueueModule } from '../queue/queue.module.js';
import { RedisModule } from '../redis/redis.module.js';
import { ReleasePolicyModule } from '../release-policy/release-policy.module.js';
import { AutoDeployer } from '../webhooks/auto-deployer.service.js';
import { CommitsModule } from '../webhooks/commits.module.js';
import { ApprovalExpiry } from '../approvals/approval-expiry.js';
import { ApprovalExpirySweeper } from './approval-expiry-sweeper.service.js';
import { AutoDeploySweeper } from './auto-deploy-sweeper.service.js';
import { CancelListener } from './cancel-listener.service.js';
import { DeploymentClaims } from './deployment-claims.service.js';
import { DeploymentRunner } from './deployment-runner.service.js';
import { DeployWorker } from './deploy-worker.service.js';
import { NotificationDeliverer } from '../notifications/notification-deliverer.service.js';
import { NotificationSender } from '../notifications/notification-sender.service.js';
import { NotificationRetention } from '../notifications/notification-retention.service.js';
import { NotificationRelay } from './notification-relay.service.js';
import { NotificationRetentionSweeper } from './notification-retention-sweeper.service.js';
import { NotificationWorker } from './notification-worker.service.js';
import { PlanBuilder } from './plan-builder.service.js';
import { RetentionSweeper } from './retention-sweeper.service.js';
import { LogRetentionSweeper } from './log-retention-sweeper.service.js';
import { LogRetention } from '../releases/log-retention.service.js';
import { Watchdog } from './watchdog.service.js';
import { WebhookWorker } from './webhook-worker.service.js';

/** The worker role: queue consumers, the watchdog and the retention sweeper, no HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, logger: JsonLogger): DynamicModule {
    return {
      module: WorkerModule,
      global: true,
      imports: [
        PrismaModule,
        RedisModule,
        QueueModule,
        AuditModule,
        CredentialsModule,
        ArtifactsModule,
        CommitsModule,
        ReleasePolicyModule,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: JsonLogger, useValue: logger },
        ApprovalExpiry,
        ApprovalExpirySweeper,
        AutoDeployer,
        AutoDeploySweeper,
        CancelListener,
        DeploymentClaims,
        DeploymentEvents,
        DeploymentsService,
        DeploymentRunner,
        DeployWorker,
        NotificationDeliverer,
        NotificationRelay,
        NotificationRetention,
        NotificationRetentionSweeper,
        NotificationSender,
        NotificationWorker,
        PlanBuilder,
        RetentionSweeper,
        LogRetention,
        LogRetentionSweeper,
        Watchdog,
        WebhookWorker,
      ],
      exports: [APP_CONFIG, JsonLogger],
    };
  }
}
