// The Releases pages: a project's releases (viewers), every project's (admins), and the same
// selections as CSV, streamed batch by batch as the client reads.
import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  adminReleaseFilterSchema,
  adminReleaseQuerySchema,
  RELEASE_CSV_HEADER,
  releaseCsvCells,
  releaseFilterSchema,
  releaseQuerySchema,
  type AdminReleaseFilter,
  type AdminReleaseQuery,
  type Page,
  type ReleaseFilter,
  type ReleaseQuery,
  type ReleaseView,
} from '@wharf/shared';
import type { Response } from 'express';
import { AdminOnly, Ctx, ProjectAccess } from '../common/access.decorators.js';
import { csvRow } from '../common/csv.js';
import { drainOrClose } from '../common/drain.js';
import { ApiZodQuery } from '../common/openapi.js';
import type { RequestContext } from '../common/request-context.js';
import { ZodPipe } from '../common/zod.pipe.js';
import type { ScopedReleaseFilter } from './release-filter.js';
import { ReleasesService } from './releases.service.js';

@ApiTags('releases')
@Controller()
export class ReleasesController {
  constructor(private readonly releases: ReleasesService) {}

  @Get('projects/:slug/releases')
  @ProjectAccess('viewer')
  @ApiZodQuery(releaseQuerySchema)
  listProject(
    @Ctx() ctx: RequestContext,
    @Query(new ZodPipe(releaseQuerySchema)) q: ReleaseQuery,
  ): Promise<Page<ReleaseView>> {
    const { limit, cursor, ...filter } = q;
    return this.releases.list({ ...filter, projectId: ctx.project!.id }, limit, cursor);
  }

  @Get('projects/:slug/releases/export.csv')
  @ProjectAccess('viewer')
  @ApiZodQuery(releaseFilterSchema)
  @ApiProduces('text/csv')
  exportProject(
    @Ctx() ctx: RequestContext,
    @Query(new ZodPipe(releaseFilterSchema)) filter: ReleaseFilter,
    @Res() res: Response,
  ): Promise<void> {
    return this.writeCsv({ ...filter, projectId: ctx.project!.id }, `wharf-releases-${ctx.project!.slug}.csv`, res);
  }

  @Get('releases')
  @AdminOnly()
  @ApiZodQuery(adminReleaseQuerySchema)
  async listAll(@Query(new ZodPipe(adminReleaseQuerySchema)) q: AdminReleaseQuery): Promise<Page<ReleaseView>> {
    const { limit, cursor, ...filter } = q;
    return this.releases.list(await this.scoped(filter), limit, cursor);
  }

  @Get('releases/export.csv')
  @AdminOnly()
  @ApiZodQuery(adminReleaseFilterSchema)
  @ApiProduces('text/csv')
  async exportAll(
    @Query(new ZodPipe(adminReleaseFilterSchema)) filter: AdminReleaseFilter,
    @Res() res: Response,
  ): Promise<void> {
    const scoped = await this.scoped(filter);
    return this.writeCsv(scoped, filter.project ? `wharf-releases-${filter.project}.csv` : 'wharf-releases.csv', res);
  }

  private async scoped({ project, ...filter }: AdminReleaseFilter): Promise<ScopedReleaseFilter> {
    return project ? { ...filter, projectId: await this.releases.projectIdOf(project) } : filter;
  }

  private async writeCsv(filter: ScopedReleaseFilter, filename: string, res: Response): Promise<void> {
    res.status(200);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${filename}"`);
    res.setHeader('cache-control', 'no-store');
    res.write(csvRow([...RELEASE_CSV_HEADER]));
    // Batch by batch, waiting for the client to drain: the export never sits in memory whole.
    for await (const batch of this.releases.stream(filter)) {
      const chunk = batch.map((r) => csvRow(releaseCsvCells(r))).join('');
      if (res.destroyed) return;
      if (!res.write(chunk)) await drainOrClose(res);
    }
    res.end();
  }
}
