// REST access to stored log lines: a page after a seq (for clients without sockets, such as
// `wharf release --wait` with a CI token), a page before a seq (the dashboard opens a log at
// its tail and pages backwards), a server-side search, and the whole log as plain text. The
// dashboard's live view uses the socket gateway for what comes after its tail.
import { Controller, Get, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  logQuerySchema,
  logSearchQuerySchema,
  type LogLineView,
  type LogQuery,
  type LogSearchQuery,
  type LogSearchResult,
} from '@wharf/shared';
import type { Response } from 'express';
import { z } from 'zod';
import { Ctx, ProjectOrTokenAccess } from '../common/access.decorators.js';
import type { RequestContext } from '../common/request-context.js';
import { ApiZodQuery } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { BACKFILL_PAGE, LogStoreService } from './log-store.service.js';
import { drainOrClose } from '../common/drain.js';

const idPipe = new ZodPipe(z.uuid('id must be a UUID'));
const SEQ_END = 2_147_483_647;

@ApiTags('deployments')
@Controller('projects/:slug/deployments/:id/logs')
export class LogsController {
  constructor(private readonly store: LogStoreService) {}

  @Get()
  @ProjectOrTokenAccess('viewer')
  @ApiZodQuery(logQuerySchema)
  async list(
    @Ctx() ctx: RequestContext,
    @Param('id', idPipe) id: string,
    @Query(new ZodPipe(logQuerySchema)) q: LogQuery,
  ): Promise<LogLineView[]> {
    await this.deploymentOf(ctx, id);
    if (q.before !== undefined) {
      // `end`: past the last seq (int4), so the tail itself.
      const before = q.before === 'end' ? SEQ_END : q.before;
      return this.store.pageBefore(id, before, q.limit, q.afterSeq);
    }
    return this.store.page(id, q.afterSeq, q.limit);
  }

  @Get('search')
  @ProjectOrTokenAccess('viewer')
  @ApiZodQuery(logSearchQuerySchema)
  async search(
    @Ctx() ctx: RequestContext,
    @Param('id', idPipe) id: string,
    @Query(new ZodPipe(logSearchQuerySchema)) q: LogSearchQuery,
  ): Promise<LogSearchResult> {
    await this.deploymentOf(ctx, id);
    return this.store.search(id, q.q, q.afterSeq, q.limit);
  }

  @Get('download')
  @ProjectOrTokenAccess('viewer')
  @ApiProduces('text/plain')
  async download(@Ctx() ctx: RequestContext, @Param('id', idPipe) id: string, @Res() res: Response): Promise<void> {
    const deployment = await this.deploymentOf(ctx, id);
    const names = await this.store.targetNames(id);
    res.status(200);
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="deployment-${id}.log"`);
    res.setHeader('cache-control', 'no-store');
    if (deployment.logsPrunedAt) {
      // Say why the log is empty: retention removed it; the release record itself stays.
      res.end(`log removed by retention on ${deployment.logsPrunedAt.toISOString()}\n`);
      return;
    }
    // Page by page, waiting for the client to drain: a 50 MB log never sits in memory.
    let after = 0;
    for (;;) {
      const page = await this.store.page(id, after, BACKFILL_PAGE);
      if (page.length === 0) break;
      let chunk = '';
      for (const l of page) {
        const target = l.targetId === null ? '-' : (names.get(l.targetId) ?? l.targetId);
        chunk += `${l.at} [${target}] ${l.stream}: ${l.text}\n`;
      }
      after = page[page.length - 1]!.seq;
      if (res.destroyed) return;
      if (!res.write(chunk)) await drainOrClose(res);
      if (page.length < BACKFILL_PAGE) break;
    }
    res.end();
  }

  private async deploymentOf(ctx: RequestContext, id: string): Promise<{ logsPrunedAt: Date | null }> {
    const deployment = await this.store.inProject(ctx.project!.id, id);
    if (!deployment) throw new NotFoundException('deployment not found');
    return deployment;
  }
}
