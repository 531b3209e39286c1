import { Controller, Get, Query } from '@nestjs/common';
import { auditQuerySchema, type AuditEventView, type AuditQuery, type Page } from '@wharf/shared';
import { AdminOnly, Ctx, ProjectAccess } from '../common/access.decorators.js';
import type { RequestContext } from '../common/request-context.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { AuditService } from './audit.service.js';

@Controller()
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('audit')
  @AdminOnly()
  listAll(@Query(new ZodPipe(auditQuerySchema)) q: AuditQuery): Promise<Page<AuditEventView>> {
    return this.audit.list({ action: q.action }, q.limit, q.cursor);
  }

  @Get('projects/:slug/audit')
  @ProjectAccess('viewer')
  listProject(
    @Ctx() ctx: RequestContext,
    @Query(new ZodPipe(auditQuerySchema)) q: AuditQuery,
  ): Promise<Page<AuditEventView>> {
    return this.audit.list({ projectId: ctx.project!.id, action: q.action }, q.limit, q.cursor);
  }
}
