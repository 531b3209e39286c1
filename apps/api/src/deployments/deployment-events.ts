// Cross-process signals about deployments, over Redis pub/sub. Postgres stays the source of
// truth: a missed message only delays things (gateways reload on reconnect, workers also poll).
import { Injectable } from '@nestjs/common';
import { RedisService } from '../redis/redis.module.js';

export const deploymentChannels = (prefix: string) => ({
  status: `${prefix}:deployment-status`,
  cancel: `${prefix}:deployment-cancel`,
});

@Injectable()
export class DeploymentEvents {
  constructor(private readonly redis: RedisService) {}

  private get channels() {
    return deploymentChannels(this.redis.prefix);
  }

  /** State or targets changed: live viewers should reload the deployment. */
  async statusChanged(deploymentId: string): Promise<void> {
    await this.redis.client.publish(this.channels.status, deploymentId).catch(() => undefined);
  }

  /** Ask whichever worker runs it to stop now. */
  async cancelRequested(deploymentId: string): Promise<void> {
    await this.redis.client.publish(this.channels.cancel, deploymentId).catch(() => undefined);
  }
}
