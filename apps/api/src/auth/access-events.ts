// "This user's access shrank": a session ended (sign-out, password change, disabled account)
// or a project membership was removed. Every api instance re-checks that user's live-log
// sockets at once (LiveGateway); a missed message is caught by the gateway's periodic re-check.
// Publish after the rows are gone (after the transaction commits), never before.
import { Injectable } from '@nestjs/common';
import { RedisService } from '../redis/redis.module.js';

export const accessRevokedChannel = (prefix: string) => `${prefix}:access-revoked`;

@Injectable()
export class AccessEvents {
  constructor(private readonly redis: RedisService) {}

  async revoked(userId: string): Promise<void> {
    await this.redis.client.publish(accessRevokedChannel(this.redis.prefix), userId).catch(() => undefined);
  }
}
