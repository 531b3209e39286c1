// Log retention: how long a finished release's log lines stay (per environment), and the
// sweep that removes older ones in bounded batches. The deployment row (the release record)
// stays forever; it only gains logsPrunedAt. Sweeps may run in several workers at once:
// deleting lines is idempotent, and only the sweep whose update sets logsPrunedAt counts it.
import { Injectable, NotFoundException } from '@nestjs/common';
import { effectiveLogRetentionDays, type LogRetentionBody, type LogRetentionView } from '@wharf/shared';
import { AuditService } from '../audit/audit.service.js';
import type { RequestContext } from '../common/request-context.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ProjectCtx } from '../projects/projects.service.js';

/** Deployments looked at per step (each step is a few short statements). */
const DEPLOYMENT_BATCH = 100;
/** Log lines deleted per statement, so no statement holds many row locks for long. */
const LINE_BATCH = 5000;
const DAY_MS = 24 * 60 * 60 * 1000;

export const LOG_RETENTION_ACTOR: Pick<RequestContext, 'actor' | 'ip'> = {
  actor: { type: 'system', label: 'log-retention' },
  ip: null,
};

export interface LogSweepResult {
  deployments: number;
  lines: number;
}

@Injectable()
export class LogRetention {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  async update(ctx: ProjectCtx, envId: string, body: LogRetentionBody): Promise<LogRetentionView> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.environment.findFirst({ where: { id: envId, projectId: ctx.project.id } });
      if (!before) throw new NotFoundException('environment not found');
      const env = await tx.environment.update({ where: { id: envId }, data: { logRetentionDays: body.days } });
      await this.audit.record(
        ctx,
        {
          action: 'environment.log_retention_updated',
          subjectType: 'environment',
          subjectId: env.id,
          projectId: ctx.project.id,
          data: { name: env.name, changes: { logRetentionDays: { from: before.logRetentionDays, to: body.days } } },
        },
        tx,
      );
      return { environmentId: env.id, days: env.logRetentionDays, effectiveDays: effectiveLogRetentionDays(env) };
    });
  }

  /** Removes the logs of finished releases older than their environment keeps them. */
  async sweep(now = new Date()): Promise<LogSweepResult> {
    const envs = await this.prisma.environment.findMany({
      select: { id: true, name: true, protected: true, logRetentionDays: true, project: { select: { slug: true } } },
    });
    const total: LogSweepResult = { deployments: 0, lines: 0 };
    const touched: string[] = [];
    for (const env of envs) {
      const days = effectiveLogRetentionDays(env);
      if (days === null) continue;
      const r = await this.sweepEnvironment(env.id, new Date(now.getTime() - days * DAY_MS), now);
      if (r.deployments === 0) continue;
      total.deployments += r.deployments;
      total.lines += r.lines;
      touched.push(`${env.project.slug}/${env.name}`);
    }
    if (total.deployments > 0) {
      await this.audit.record(LOG_RETENTION_ACTOR, {
        action: 'deployment.logs_pruned',
        subjectType: 'log_retention',
        data: { deployments: total.deployments, lines: total.lines, environments: touched.slice(0, 50) },
      });
    }
    return total;
  }

  /** Index range (environmentId, finishedAt < cutoff), a batch of deployments at a time. */
  private async sweepEnvironment(environmentId: string, cutoff: Date, now: Date): Promise<LogSweepResult> {
    const result: LogSweepResult = { deployments: 0, lines: 0 };
    let after: { finishedAt: Date; id: string } | null = null;
    for (;;) {
      const batch: { id: string; finishedAt: Date | null }[] = await this.prisma.deployment.findMany({
        where: {
          environmentId,
          finishedAt: { lt: cutoff },
          logsPrunedAt: null,
          // Only releases that are over: a running one's log is still being written.
          state: { in: ['succeeded', 'failed', 'cancelled'] },
          ...(after
            ? {
                OR: [
                  { finishedAt: { gt: after.finishedAt, lt: cutoff } },
                  { finishedAt: after.finishedAt, id: { gt: after.id } },
                ],
              }
            : {}),
        },
        orderBy: [{ finishedAt: 'asc' }, { id: 'asc' }],
        take: DEPLOYMENT_BATCH,
        select: { id: true, finishedAt: true },
      });
      if (batch.length === 0) break;
      const ids = batch.map((d) => d.id);
      result.lines += await this.deleteLines(ids);
      const marked = await this.prisma.deployment.updateMany({
        where: { id: { in: ids }, logsPrunedAt: null },
        data: { logsPrunedAt: now },
      });
      result.deployments += marked.count;
      if (batch.length < DEPLOYMENT_BATCH) break;
      const last = batch[batch.length - 1]!;
      after = { finishedAt: last.finishedAt!, id: last.id };
    }
    return result;
  }

  private async deleteLines(deploymentIds: string[]): Promise<number> {
    let deleted = 0;
    for (;;) {
      const n = await this.prisma.$executeRaw`
        DELETE FROM "DeploymentLog" WHERE ("deploymentId", "seq") IN (
          SELECT "deploymentId", "seq" FROM "DeploymentLog"
           WHERE "deploymentId" = ANY(${deploymentIds}::uuid[]) LIMIT ${LINE_BATCH})`;
      deleted += n;
      if (n < LINE_BATCH) return deleted;
    }
  }
}
