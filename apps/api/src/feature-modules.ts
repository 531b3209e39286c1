// Feature modules of the HTTP role, one per domain. Each lives in its own folder.
import type { Type } from '@nestjs/common';
import { ProjectsModule } from './projects/projects.module.js';
import { EnvironmentsModule } from './environments/environments.module.js';
import { TargetsModule } from './targets/targets.module.js';
import { CredentialsModule } from './credentials/credentials.module.js';
import { TokensModule } from './tokens/tokens.module.js';
import { DeploymentsModule } from './deployments/deployments.module.js';
import { ArtifactsModule } from './artifacts/artifacts.module.js';
import { LiveModule } from './live/live.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { ReleasePolicyModule } from './release-policy/release-policy.module.js';
import { ApprovalsModule } from './approvals/approvals.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { ReleaseRulesModule } from './release-policy/release-rules.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ReleasesModule } from './releases/releases.module.js';

export const FEATURE_MODULES: Type[] = [
  ProjectsModule,
  EnvironmentsModule,
  TargetsModule,
  CredentialsModule,
  TokensModule,
  DeploymentsModule,
  ArtifactsModule,
  LiveModule,
  WebhooksModule,
  ReleasePolicyModule,
  ApprovalsModule,
  ReleaseRulesModule,
  MetricsModule,
  ReleasesModule,
  NotificationsModule,
];
