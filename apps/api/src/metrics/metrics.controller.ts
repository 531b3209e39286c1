import { Controller, Get, Query } from '@nestjs/common';
import { metricsQuerySchema, type MetricsQuery, type ProjectMetricsView } from '@wharf/shared';
import { Ctx, ProjectAccess } from '../common/access.decorators.js';
import type { RequestContext } from '../common/request-context.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { MetricsService } from './metrics.service.js';

@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /** Delivery metrics of the project's environments over a period (definitions: README, "Delivery metrics"). */
  @Get('projects/:slug/metrics')
  @ProjectAccess('viewer')
  forProject(
    @Ctx() ctx: RequestContext,
    @Query(new ZodPipe(metricsQuerySchema)) q: MetricsQuery,
  ): Promise<ProjectMetricsView> {
    return this.metrics.forProject(ctx.project!.id, q);
  }
}
