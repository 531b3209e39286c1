import { Controller, Get, Res } from '@nestjs/common';
import type { HealthView } from '@wharf/shared';
import type { Response } from 'express';
import { Public } from '../common/access.decorators.js';
import { withTimeout } from '../common/with-timeout.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { RedisService } from '../redis/redis.module.js';
import { WHARF_VERSION } from '../version.js';

const PROBE_TIMEOUT_MS = 2000;

@Controller('api/health')
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
  ) {}

  @Get()
  @Public()
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthView> {
    const [database, redis] = await Promise.all([
      withTimeout(this.prisma.$queryRaw`SELECT 1`, PROBE_TIMEOUT_MS, 'no answer').then(
        () => 'up' as const,
        () => 'down' as const,
      ),
      withTimeout(this.redis.client.ping(), PROBE_TIMEOUT_MS, 'no answer').then(
        () => 'up' as const,
        () => 'down' as const,
      ),
    ]);
    const status = database === 'up' && redis === 'up' ? 'ok' : 'degraded';
    if (status !== 'ok') res.status(503);
    return { status, database, redis, version: WHARF_VERSION };
  }
}
