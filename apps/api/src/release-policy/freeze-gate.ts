// Freeze windows: a release during a window of the environment or its project is refused,
// naming the window; a maintainer may override with a reason. Rollbacks and retries are
// releases too and need the same override (README, "Freeze windows", says why). Webhook
// auto-deploys never override: the auto-deployer holds or drops them before they get here.
import { ForbiddenException, Injectable } from '@nestjs/common';
import { RELEASE_AUDIT_ACTIONS, roleAtLeast } from '@wharf/shared';
import { PrismaService } from '../prisma/prisma.service.js';
import { activeFreeze, describeFreeze, type ActiveFreeze } from './freeze-window-lookup.js';
import type { GateRequest, GateResult } from './gate-types.js';
import { ReleaseRefused } from './release-refused.js';

@Injectable()
export class FreezeGate {
  constructor(private readonly prisma: PrismaService) {}

  /** The window holding this environment now, if any. */
  activeFor(projectId: string, environmentId: string, at = new Date()): Promise<ActiveFreeze | null> {
    return activeFreeze(this.prisma, projectId, environmentId, at);
  }

  async check(req: GateRequest): Promise<GateResult> {
    const freeze = await this.activeFor(req.ctx.project.id, req.environment.id);
    if (!freeze) return {};
    const what = `${req.environment.name} is frozen: ${describeFreeze(freeze)}`;
    const reason = req.overrides.freezeOverrideReason;
    if (req.trigger === 'webhook' || !reason) {
      throw new ReleaseRefused(
        'freeze',
        req.trigger === 'webhook'
          ? what
          : `${what}; a maintainer may release anyway with a written reason (freezeOverrideReason)`,
      );
    }
    if (!roleAtLeast(req.ctx.role, 'maintainer')) {
      throw new ForbiddenException(`${what}; only a maintainer may override a freeze window`);
    }
    return {
      overrideReason: reason,
      audit: [
        {
          action: RELEASE_AUDIT_ACTIONS.freezeOverridden,
          data: {
            environment: req.environment.name,
            version: req.artifact.version,
            trigger: req.trigger,
            reason,
            window: {
              id: freeze.window.id,
              reason: freeze.window.reason,
              projectWide: freeze.window.environmentId === null,
              endsAt: freeze.endsAt.toISOString(),
              timeZone: freeze.window.timeZone,
            },
          },
        },
      ],
    };
  }
}
