import { Controller, Get, Res } from '@nestjs/common';
import type { HealthView } from '@wharf/shared';
import type { Response } from 'express';
import { Public } from '../common/access.decorators.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { RedisService } from '../redis/redis.module.js';
import { WHARF_VERSION } from '../version.js';

const PROBE_TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS).unref()),
  ]);
}

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
      withTimeout(this.prisma.$queryRaw`SELECT 1`).then(
        () => 'up' as const,
        () => 'down' as const,
      ),
      withTimeout(this.redis.client.ping()).then(
        () => 'up' as const,
        () => 'down' as const,
      ),
    ]);
    const status = database === 'up' && redis === 'up' ? 'ok' : 'degraded';
    if (status !== 'ok') res.status(503);
    return { status, database, redis, version: WHARF_VERSION };
  }
}
