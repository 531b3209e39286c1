// What the Release dialog shows before a release is asked for: the promotion rule and
// whether the version meets it, the freeze window holding now, and the approvals needed.
// The same gate code answers, so the dialog and the refusal never disagree.
import { Injectable, NotFoundException } from '@nestjs/common';
import { roleAtLeast, type ReleaseCheckQuery, type ReleaseCheckView } from '@wharf/shared';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ProjectCtx } from '../projects/projects.service.js';
import { FreezeGate } from './freeze-gate.js';
import { toActiveFreezeView } from './freeze-window-lookup.js';
import { PromotionGate } from './promotion-gate.js';

@Injectable()
export class ReleaseCheckService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly promotion: PromotionGate,
    private readonly freeze: FreezeGate,
  ) {}

  async check(ctx: ProjectCtx, envId: string, q: ReleaseCheckQuery): Promise<ReleaseCheckView> {
    const environment = await this.prisma.environment.findFirst({ where: { id: envId, projectId: ctx.project.id } });
    if (!environment) throw new NotFoundException(`environment ${envId} not found`);
    let met: boolean | null = null;
    let source: { id: string; name: string } | null = null;
    if (environment.promoteFromId) {
      const artifact = q.version
        ? await this.prisma.artifact.findUnique({
            where: { projectId_version: { projectId: ctx.project.id, version: q.version } },
            select: { id: true },
          })
        : null;
      if (q.version && !artifact) throw new NotFoundException(`version ${q.version} not found in this project`);
      const status = await this.promotion.status(environment, artifact?.id ?? null, q.rollback);
      source = status.source;
      met = artifact ? status.met : null;
    }
    const active = await this.freeze.activeFor(ctx.project.id, environment.id);
    return {
      environmentId: environment.id,
      version: q.version ?? null,
      promotion: {
        required: source !== null,
        source,
        met,
        mayOverride: ctx.actor.type === 'user' && ctx.actor.isAdmin,
      },
      freeze: { active: active ? toActiveFreezeView(active) : null, mayOverride: roleAtLeast(ctx.role, 'maintainer') },
      approvals: { required: environment.approvalsRequired },
    };
  }
}
