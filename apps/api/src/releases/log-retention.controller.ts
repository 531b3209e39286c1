// PUT an environment's log retention (maintainers; audited). The sweep itself runs in the worker.
import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { logRetentionSchema, type LogRetentionBody, type LogRetentionView } from '@wharf/shared';
import { Ctx, ProjectAccess } from '../common/access.decorators.js';
import { uuidParam } from '../common/id-param.js';
import { ApiZodBody } from '../common/openapi.js';
import type { RequestContext } from '../common/request-context.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { projectCtx } from '../projects/projects.service.js';
import { LogRetention } from './log-retention.service.js';

@ApiTags('environments')
@Controller('projects/:slug/environments/:envId/log-retention')
export class LogRetentionController {
  constructor(private readonly retention: LogRetention) {}

  @Put()
  @ProjectAccess('maintainer')
  @ApiZodBody(logRetentionSchema)
  update(
    @Ctx() ctx: RequestContext,
    @Param('envId', uuidParam('envId')) envId: string,
    @Body(new ZodPipe(logRetentionSchema)) body: LogRetentionBody,
  ): Promise<LogRetentionView> {
    return this.retention.update(projectCtx(ctx), envId, body);
  }
}
