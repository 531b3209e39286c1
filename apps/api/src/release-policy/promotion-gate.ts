// Promotion: a version may reach an environment only after it succeeded in the environment
// named as its source (Environment.promoteFromId). An admin may override with a reason.
// Passes without the source: a retry of a deployment here (same version, already let
// through), and a rollback to a version that has succeeded here before (it ran here already;
// blocking it would block recovery). Webhook auto-deploys are refused, never overridden.
import { ForbiddenException, Injectable } from '@nestjs/common';
import { RELEASE_AUDIT_ACTIONS } from '@wharf/shared';
import type { Environment } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { GateRequest, GateResult } from './gate-types.js';
import { ReleaseRefused } from './release-refused.js';

export interface PromotionStatus {
  source: Pick<Environment, 'id' | 'name'> | null;
  /** True when there is no rule, or the rule is met for this artifact. */
  met: boolean;
}

@Injectable()
export class PromotionGate {
  constructor(private readonly prisma: PrismaService) {}

  /** Whether `artifactId` may be released to `environment` under its promotion rule. */
  async status(environment: Environment, artifactId: string | null, rollback: boolean): Promise<PromotionStatus> {
    if (!environment.promoteFromId) return { source: null, met: true };
    const source = await this.prisma.environment.findUnique({
      where: { id: environment.promoteFromId },
      select: { id: true, name: true },
    });
    if (!source) return { source: null, met: true };
    if (!artifactId) return { source, met: false };
    // Any succeeded deployment of the artifact counts, a retry of failed targets included.
    const inSource = await this.prisma.deployment.findFirst({
      where: { environmentId: source.id, artifactId, state: 'succeeded' },
      select: { id: true },
    });
    if (inSource) return { source, met: true };
    if (rollback) {
      const ranHere = await this.prisma.deployment.findFirst({
        where: { environmentId: environment.id, artifactId, state: 'succeeded' },
        select: { id: true },
      });
      if (ranHere) return { source, met: true };
    }
    return { source, met: false };
  }

  async check(req: GateRequest): Promise<GateResult> {
    if (!req.environment.promoteFromId || req.retryOfId) return {};
    const { source, met } = await this.status(req.environment, req.artifact.id, req.trigger === 'rollback');
    if (met || !source) return {};
    const what = `version ${req.artifact.version} has not succeeded in ${source.name}; ${req.environment.name} only takes versions promoted from ${source.name}`;
    const reason = req.overrides.promotionOverrideReason;
    if (req.trigger === 'webhook' || !reason) {
      throw new ReleaseRefused(
        'promotion',
        req.trigger === 'webhook'
          ? what
          : `${what}. Release it to ${source.name} first, or an administrator may override with a written reason (promotionOverrideReason)`,
      );
    }
    if (req.ctx.actor.type !== 'user' || !req.ctx.actor.isAdmin) {
      throw new ForbiddenException(`${what}; only a Wharf administrator may override the promotion rule`);
    }
    return {
      overrideReason: reason,
      audit: [
        {
          action: RELEASE_AUDIT_ACTIONS.promotionOverridden,
          data: {
            environment: req.environment.name,
            version: req.artifact.version,
            trigger: req.trigger,
            source: source.name,
            reason,
          },
        },
      ],
    };
  }
}
