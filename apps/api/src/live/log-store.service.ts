// Reads of stored log lines and the access question "may this user read that deployment".
// Postgres holds every line (the Redis stream is only a live tail), so every gap is
// filled from here.
import { Injectable } from '@nestjs/common';
import type { LogLineView, LogSearchResult, LogStreamName } from '@wharf/shared';
import { containsPattern } from '../common/like-pattern.js';
import type { UserActor } from '../common/request-context.js';
import { PrismaService } from '../prisma/prisma.service.js';

export const BACKFILL_PAGE = 5000;

const lineSelect = { seq: true, targetId: true, stream: true, at: true, text: true } as const;

@Injectable()
export class LogStoreService {
  constructor(private readonly prisma: PrismaService) {}

  /** Lines with afterSeq < seq <= untilSeq (when given), in seq order, at most `limit`. */
  async page(deploymentId: string, afterSeq: number, limit: number, untilSeq?: number): Promise<LogLineView[]> {
    const rows = await this.prisma.deploymentLog.findMany({
      where: { deploymentId, seq: untilSeq === undefined ? { gt: afterSeq } : { gt: afterSeq, lte: untilSeq } },
      orderBy: { seq: 'asc' },
      take: limit,
      select: lineSelect,
    });
    return rows.map((r) => ({
      seq: r.seq,
      targetId: r.targetId,
      stream: r.stream,
      at: r.at.toISOString(),
      text: r.text,
    }));
  }

  /**
   * The last `limit` lines with afterSeq < seq < beforeSeq, in seq order: the tail of a log
   * (beforeSeq past the end) or the page before one the client already holds. One index
   * range scan backwards, however long the log.
   */
  async pageBefore(deploymentId: string, beforeSeq: number, limit: number, afterSeq = 0): Promise<LogLineView[]> {
    const rows = await this.prisma.deploymentLog.findMany({
      where: { deploymentId, seq: { gt: afterSeq, lt: beforeSeq } },
      orderBy: { seq: 'desc' },
      take: limit,
      select: lineSelect,
    });
    rows.reverse();
    return rows.map((r) => ({
      seq: r.seq,
      targetId: r.targetId,
      stream: r.stream,
      at: r.at.toISOString(),
      text: r.text,
    }));
  }

  /**
   * Lines whose text contains `q` (case-insensitive, taken literally), after `afterSeq`, in
   * seq order, at most `limit`. Walks the deployment's rows in seq order and stops at the
   * limit, so paging through a huge log is a series of bounded scans.
   */
  async search(deploymentId: string, q: string, afterSeq: number, limit: number): Promise<LogSearchResult> {
    const r = await this.prisma.pool.query<{
      seq: number;
      targetId: string | null;
      stream: LogStreamName;
      at: Date;
      text: string;
    }>(
      `SELECT "seq", "targetId", "stream"::text AS "stream", "at", "text"
         FROM "DeploymentLog"
        WHERE "deploymentId" = $1::uuid AND "seq" > $2 AND "text" ILIKE $3
        ORDER BY "seq"
        LIMIT $4`,
      [deploymentId, afterSeq, containsPattern(q), limit + 1],
    );
    const more = r.rows.length > limit;
    const rows = more ? r.rows.slice(0, limit) : r.rows;
    return {
      lines: rows.map((row) => ({
        seq: row.seq,
        targetId: row.targetId,
        stream: row.stream,
        // timestamp without zone, stored as UTC (see log-sink.ts); pg reads it as local time.
        at: utcIso(row.at),
        text: row.text,
      })),
      nextAfterSeq: more ? rows[rows.length - 1]!.seq : null,
    };
  }

  async maxSeq(deploymentId: string): Promise<number> {
    const agg = await this.prisma.deploymentLog.aggregate({ where: { deploymentId }, _max: { seq: true } });
    return agg._max.seq ?? 0;
  }

  /**
   * The deployment's project when `user` may read it (admin, or any membership), else null.
   * Unknown and forbidden look the same to the caller: no existence leak.
   */
  async readableProject(user: UserActor, deploymentId: string): Promise<string | null> {
    const d = await this.prisma.deployment.findUnique({ where: { id: deploymentId }, select: { projectId: true } });
    if (!d) return null;
    if (user.isAdmin) return d.projectId;
    const m = await this.prisma.membership.findUnique({
      where: { userId_projectId: { userId: user.id, projectId: d.projectId } },
      select: { role: true },
    });
    return m ? d.projectId : null;
  }

  /** Which of these (user, project) pairs are still memberships, as `userId:projectId` keys. */
  async memberships(pairs: readonly { userId: string; projectId: string }[]): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const rows = await this.prisma.membership.findMany({
      where: {
        userId: { in: [...new Set(pairs.map((p) => p.userId))] },
        projectId: { in: [...new Set(pairs.map((p) => p.projectId))] },
      },
      select: { userId: true, projectId: true },
    });
    return new Set(rows.map((r) => `${r.userId}:${r.projectId}`));
  }

  /** The deployment if it belongs to the project (REST routes resolve the project first). */
  async inProject(projectId: string, deploymentId: string): Promise<{ id: string; logsPrunedAt: Date | null } | null> {
    return this.prisma.deployment.findFirst({
      where: { id: deploymentId, projectId },
      select: { id: true, logsPrunedAt: true },
    });
  }

  /** targetId → name as it was when the deployment ran (DeploymentTarget snapshot). */
  async targetNames(deploymentId: string): Promise<Map<string, string>> {
    const rows = await this.prisma.deploymentTarget.findMany({
      where: { deploymentId },
      select: { targetId: true, targetName: true },
    });
    const names = new Map<string, string>();
    for (const r of rows) if (r.targetId) names.set(r.targetId, r.targetName);
    return names;
  }
}

/** A timestamp-without-zone value pg parsed as local time, read back as the UTC it stores. */
function utcIso(d: Date): string {
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString();
}
