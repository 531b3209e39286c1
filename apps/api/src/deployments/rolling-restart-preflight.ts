// Refuses a rolling restart at the API, before a deployment row exists, for what the worker
// would refuse anyway: a protected environment without the admin switch, or a Consul restart
// without the environment's restart secret. The worker keeps the same checks as the last line.
import { BadRequestException, ForbiddenException } from '@nestjs/common';
import {
  readDeploySettings,
  releaseStrategyOf,
  isRollingRestart,
  rollingRestartRefusal,
  RESTART_SECRET_VARIABLE,
  type TargetKind,
} from '@wharf/shared';
import type { Environment } from '../generated/prisma/client.js';
import type { PrismaService } from '../prisma/prisma.service.js';

export async function assertRollingRestartMayRun(
  prisma: PrismaService,
  environment: Environment,
  targets: { kind: string }[],
): Promise<void> {
  const settings = readDeploySettings(environment.settings);
  const strategy = releaseStrategyOf(
    targets.map((t) => t.kind as TargetKind),
    settings,
  );
  if (!strategy || !isRollingRestart(strategy)) return;
  const refusal = rollingRestartRefusal(environment, settings);
  if (refusal) throw new ForbiddenException(refusal);
  if (strategy !== 'consul-rolling-restart') return;
  const secret = await prisma.environmentVariable.findUnique({
    where: { environmentId_name: { environmentId: environment.id, name: RESTART_SECRET_VARIABLE } },
    select: { id: true },
  });
  if (!secret) {
    throw new BadRequestException(
      `${environment.name} has no restart secret: add a secret variable ${RESTART_SECRET_VARIABLE} (at least 16 characters) to the environment and give the same value to the service's restart endpoint`,
    );
  }
}
