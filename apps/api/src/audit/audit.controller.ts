import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiProduces } from '@nestjs/swagger';
import {
  auditFilterSchema,
  auditQuerySchema,
  type AuditEventView,
  type AuditFilter,
  type AuditQuery,
  type AuditVerifyView,
  type Page,
} from '@wharf/shared';
import type { Response } from 'express';
import { AdminOnly, Ctx, ProjectAccess } from '../common/access.decorators.js';
import { csvRow } from '../common/csv.js';
import type { RequestContext } from '../common/request-context.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { AuditService, type ScopedAuditFilter } from './audit.service.js';
import { drainOrClose } from '../common/drain.js';

const CSV_HEADER = [
  'id',
  'time',
  'actor',
  'action',
  'summary',
  'subject type',
  'subject id',
  'project id',
  'ip',
  'details',
];

@Controller()
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('audit')
  @AdminOnly()
  listAll(@Query(new ZodPipe(auditQuerySchema)) q: AuditQuery): Promise<Page<AuditEventView>> {
    const { limit, cursor, ...filter } = q;
    return this.audit.list(filter, limit, cursor);
  }

  /** Walks the tamper-evident chain and names the first event altered, removed or inserted. */
  @Get('audit/verify')
  @AdminOnly()
  verify(): Promise<AuditVerifyView> {
    return this.audit.verify();
  }

  /** Every matching event as CSV, streamed (any size). */
  @Get('audit/export.csv')
  @AdminOnly()
  @ApiProduces('text/csv')
  exportAll(@Query(new ZodPipe(auditFilterSchema)) filter: AuditFilter, @Res() res: Response): Promise<void> {
    return this.writeCsv(filter, 'wharf-audit.csv', res);
  }

  @Get('projects/:slug/audit')
  @ProjectAccess('viewer')
  listProject(
    @Ctx() ctx: RequestContext,
    @Query(new ZodPipe(auditQuerySchema)) q: AuditQuery,
  ): Promise<Page<AuditEventView>> {
    const { limit, cursor, ...filter } = q;
    return this.audit.list({ ...filter, projectId: ctx.project!.id }, limit, cursor);
  }

  @Get('projects/:slug/audit/export.csv')
  @ProjectAccess('viewer')
  @ApiProduces('text/csv')
  exportProject(
    @Ctx() ctx: RequestContext,
    @Query(new ZodPipe(auditFilterSchema)) filter: AuditFilter,
    @Res() res: Response,
  ): Promise<void> {
    return this.writeCsv({ ...filter, projectId: ctx.project!.id }, `wharf-audit-${ctx.project!.slug}.csv`, res);
  }

  private async writeCsv(filter: ScopedAuditFilter, filename: string, res: Response): Promise<void> {
    res.status(200);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${filename}"`);
    res.setHeader('cache-control', 'no-store');
    res.write(csvRow(CSV_HEADER));
    // Batch by batch, waiting for the client to drain: the export never sits in memory whole.
    for await (const batch of this.audit.stream(filter)) {
      const chunk = batch
        .map((e) =>
          csvRow([
            e.id,
            e.at,
            e.actor,
            e.action,
            e.summary,
            e.subjectType,
            e.subjectId,
            e.projectId,
            e.ip,
            JSON.stringify(e.data),
          ]),
        )
        .join('');
      if (res.destroyed) return;
      if (!res.write(chunk)) await drainOrClose(res);
    }
    res.end();
  }
}
