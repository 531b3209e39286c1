import { Module } from '@nestjs/common';
import { AutoDeployRulesController } from './auto-deploy-rules.controller.js';
import { AutoDeployRules } from './auto-deploy-rules.service.js';
import { ChangelogController } from './changelog.controller.js';
import { ChangelogService } from './changelog.service.js';
import { CommitsModule } from './commits.module.js';
import { WebhookSettingsController } from './webhook-settings.controller.js';
import { WebhookSettings } from './webhook-settings.service.js';

/** GitLab webhooks (HTTP role): settings and deliveries, auto-deploy rules, changelogs. */
@Module({
  imports: [CommitsModule],
  controllers: [WebhookSettingsController, AutoDeployRulesController, ChangelogController],
  providers: [WebhookSettings, AutoDeployRules, ChangelogService],
})
export class WebhooksModule {}
