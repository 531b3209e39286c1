import { Controller, Get, Query } from '@nestjs/common';
import { auditQuerySchema, type AuditEventView, type AuditQuery, type AuditVerifyView, type Page } from '@wharf/shared';
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

  /** Walks the tamper-evident chain and names the first event altered, removed or inserted. */
  @Get('audit/verify')
  @AdminOnly()
  verify(): Promise<AuditVerifyView> {
    return this.audit.verify();
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
