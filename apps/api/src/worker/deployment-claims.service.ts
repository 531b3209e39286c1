// Ownership of a deployment by one worker, enforced in Postgres:
// - claim: queued → running only if no older deployment of the environment is still queued,
//   and the partial unique index allows one running deployment per environment;
// - heartbeat: proves the worker is alive and reports a cancel request;
// - finish: only the owner can finish it, only once.
// BullMQ may deliver a job twice; the second delivery finds the row no longer queued.
import { Injectable } from '@nestjs/common';
import type { TargetUpdate } from '@wharf/executors';
import type { TargetDetail } from '@wharf/shared';
import type { Prisma } from '../generated/prisma/client.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { PrismaService } from '../prisma/prisma.service.js';

export type ClaimResult = 'claimed' | 'wait' | 'done';

@Injectable()
export class DeploymentClaims {
  constructor(private readonly prisma: PrismaService) {}

  async tryClaim(deploymentId: string, workerId: string): Promise<ClaimResult> {
    try {
      const claimed = await this.prisma.$executeRaw`
        UPDATE "Deployment" d
           SET "state" = 'running', "workerId" = ${workerId}, "heartbeatAt" = now(), "startedAt" = now()
         WHERE d."id" = ${deploymentId}::uuid AND d."state" = 'queued'
           AND NOT EXISTS (
             SELECT 1 FROM "Deployment" o
              WHERE o."environmentId" = d."environmentId" AND o."state" = 'queued'
                AND (o."createdAt", o."id") < (d."createdAt", d."id"))`;
      if (claimed === 1) return 'claimed';
    } catch (err) {
      // Another deployment of this environment is running (partial unique index).
      if (isUniqueViolation(err, 'Deployment_one_running_per_environment')) return 'wait';
      throw err;
    }
    const row = await this.prisma.deployment.findUnique({ where: { id: deploymentId }, select: { state: true } });
    return row?.state === 'queued' ? 'wait' : 'done';
  }

  /** Returns null when this worker no longer owns the deployment (e.g. the watchdog failed it). */
  async heartbeat(deploymentId: string, workerId: string): Promise<{ cancelRequested: boolean } | null> {
    const rows = await this.prisma.$queryRaw<{ cancelRequestedAt: Date | null }[]>`
      UPDATE "Deployment" SET "heartbeatAt" = now()
       WHERE "id" = ${deploymentId}::uuid AND "state" = 'running' AND "workerId" = ${workerId}
       RETURNING "cancelRequestedAt"`;
    const row = rows[0];
    return row ? { cancelRequested: row.cancelRequestedAt !== null } : null;
  }

  async finish(
    deploymentId: string,
    workerId: string,
    state: 'succeeded' | 'failed' | 'cancelled',
    error: string | null,
  ): Promise<boolean> {
    const res = await this.prisma.deployment.updateMany({
      where: { id: deploymentId, state: 'running', workerId },
      data: { state, error, finishedAt: new Date() },
    });
    return res.count === 1;
  }

  async updateTarget(deploymentId: string, u: TargetUpdate): Promise<void> {
    await this.prisma.deploymentTarget.updateMany({
      where: { deploymentId, targetId: u.targetId },
      data: {
        state: u.state,
        batch: u.batch,
        startedAt: u.startedAt,
        finishedAt: u.finishedAt,
        error: u.error ? u.error.message : null,
      },
    });
  }

  async updateTargetDetail(deploymentId: string, targetId: string, detail: TargetDetail): Promise<void> {
    await this.prisma.deploymentTarget.updateMany({
      where: { deploymentId, targetId },
      data: { detail: detail as unknown as Prisma.InputJsonValue },
    });
  }

  /** Settles targets that never reached a final state. */
  async settleOpenTargets(
    deploymentId: string,
    state: 'failed' | 'skipped' | 'cancelled',
    error: string | null,
  ): Promise<void> {
    await this.prisma.deploymentTarget.updateMany({
      where: { deploymentId, state: { in: ['pending', 'running'] } },
      data: { state, error, finishedAt: new Date() },
    });
  }
}
