import { Body, Controller, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  approveHostKeySchema,
  type ApproveHostKeyBody,
  type HostPreflightView,
  type KubernetesTargetPreflightView,
  type TargetView,
} from '@wharf/shared';
import { Ctx, ProjectAccess } from '../common/access.decorators.js';
import type { RequestContext } from '../common/request-context.js';
import { ApiZodBody } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { uuidParam } from '../common/id-param.js';
import { projectCtx } from '../projects/projects.service.js';
import { ForbiddenException } from '@nestjs/common';
import { HostKeyService } from './host-key.service.js';
import { TargetPreflightService } from './target-preflight.service.js';

@ApiTags('targets')
@Controller('projects/:slug/targets/:targetId')
export class HostKeyController {
  constructor(
    private readonly hostKeys: HostKeyService,
    private readonly preflights: TargetPreflightService,
  ) {}

  /**
   * Test connection. SSH target: TCP, the host key on offer (vs the approved one), login with
   * the target's credential (only with an approved, matching key), required commands, base dir
   * writable. Kubernetes target: API server reached over TLS verified by the kubeconfig's CA,
   * credential accepted, workload readable (its current image and replicas), patch allowed
   * (SelfSubjectAccessReview), rollout observable (watch the workload, pods, events; pod logs).
   * 200 with every check's outcome, whichever failed. Consul targets: 400.
   */
  @Post('test-connection')
  @ProjectAccess('maintainer')
  @HttpCode(200)
  preflight(
    @Ctx() ctx: RequestContext,
    @Param('targetId', uuidParam('target id')) targetId: string,
  ): Promise<HostPreflightView | KubernetesTargetPreflightView> {
    return this.preflights.testConnection(projectCtx(ctx), targetId);
  }

  /** Pins the host key. Administrators only: it decides which machine gets deploy credentials. */
  @Put('host-key')
  @ProjectAccess('maintainer')
  @ApiZodBody(approveHostKeySchema)
  approve(
    @Ctx() ctx: RequestContext,
    @Param('targetId', uuidParam('target id')) targetId: string,
    @Body(new ZodPipe(approveHostKeySchema)) body: ApproveHostKeyBody,
  ): Promise<TargetView> {
    if (ctx.actor.type !== 'user' || !ctx.actor.isAdmin)
      throw new ForbiddenException('only administrators can approve host keys');
    return this.hostKeys.approve(projectCtx(ctx), targetId, body);
  }
}
