// Counts failed logins per IP and per email in Redis (shared by every api instance).
import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RedisService } from '../redis/redis.module.js';

const WINDOW_SECONDS = 15 * 60;

@Injectable()
export class LoginRateLimiter {
  constructor(
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private keys(ip: string | null, email: string): string[] {
    return [this.redis.key('login-fail', 'ip', ip ?? 'unknown'), this.redis.key('login-fail', 'email', email)];
  }

  async assertAllowed(ip: string | null, email: string): Promise<void> {
    const counts = await this.redis.client.mget(...this.keys(ip, email));
    if (counts.some((c) => Number(c ?? 0) >= this.config.WHARF_LOGIN_MAX_ATTEMPTS)) {
      throw new HttpException(
        { message: 'too many failed sign-in attempts; try again in 15 minutes' },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }

  async recordFailure(ip: string | null, email: string): Promise<void> {
    const multi = this.redis.client.multi();
    for (const key of this.keys(ip, email)) multi.incr(key).expire(key, WINDOW_SECONDS);
    await multi.exec();
  }

  async reset(ip: string | null, email: string): Promise<void> {
    await this.redis.client.del(...this.keys(ip, email));
  }
}
