import { Module } from '@nestjs/common';
import { AutoDeployRulesController } from './auto-deploy-rules.controller.js';
import { AutoDeployRules } from './auto-deploy-rules.service.js';
import { ChangelogController } from './changelog.controller.js';
import { ChangelogService } from './changelog.service.js';
import { CommitsModule } from './commits.module.js';
import { GitlabHookController } from './gitlab-hook.controller.js';
import { RuleRefsCache } from './rule-refs-cache.service.js';
import { WebhookIngest } from './webhook-ingest.service.js';
import { WebhookTokenCache } from './webhook-token-cache.service.js';
import { WebhookSettingsController } from './webhook-settings.controller.js';
import { WebhookSettings } from './webhook-settings.service.js';

/** GitLab webhooks (HTTP role): the endpoint, its settings and deliveries, rules, changelogs. */
@Module({
  imports: [CommitsModule],
  controllers: [GitlabHookController, WebhookSettingsController, AutoDeployRulesController, ChangelogController],
  providers: [WebhookIngest, WebhookTokenCache, RuleRefsCache, WebhookSettings, AutoDeployRules, ChangelogService],
})
export class WebhooksModule {}
