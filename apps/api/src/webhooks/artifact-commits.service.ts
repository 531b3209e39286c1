// What an artifact push means for webhooks: its commit is recorded (for changelogs), and
// auto-deploys waiting for an artifact built from that commit are woken up at once.
import { Injectable } from '@nestjs/common';
import { JsonLogger } from '../common/json-logger.js';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { WebhookQueue } from '../queue/webhook-queue.service.js';
import { CommitsService } from './commits.service.js';

@Injectable()
export class ArtifactCommits {
  constructor(
    private readonly prisma: PrismaService,
    private readonly commits: CommitsService,
    private readonly queue: WebhookQueue,
    private readonly logger: JsonLogger,
  ) {}

  /** Inside the artifact's transaction. */
  record(
    tx: Prisma.TransactionClient,
    projectId: string,
    info: { commit?: string | undefined; message?: string | undefined; author?: string | undefined },
  ): Promise<void> {
    return this.commits.recordFromArtifact(tx, projectId, info);
  }

  /**
   * After the artifact committed. Never throws: if Redis is away, the worker's sweeper finds
   * the waiting auto-deploys within seconds anyway.
   */
  async arrived(projectId: string, artifactId: string, commitSha: string | null): Promise<void> {
    if (!commitSha) return;
    try {
      const rows = await this.prisma.$queryRaw<{ environmentId: string }[]>`
        SELECT DISTINCT a."environmentId"
          FROM "AutoDeploy" a JOIN "Environment" e ON e."id" = a."environmentId"
         WHERE e."projectId" = ${projectId}::uuid AND a."state" = 'waiting'
           AND (a."sha" = ${commitSha} OR (length(${commitSha}) < 40 AND a."sha" LIKE ${commitSha} || '%'))`;
      for (const r of rows) await this.queue.evaluateEnvironment(r.environmentId, `artifact-${artifactId}`);
    } catch (err) {
      this.logger.event(
        'warn',
        'could not wake auto-deploys waiting for an artifact; the sweeper will',
        { artifactId, error: String(err) },
        'ArtifactCommits',
      );
    }
  }
}
