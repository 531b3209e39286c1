// Commits learnt from GitLab payloads and artifact pushes. A later record fills in what an
// earlier one left blank (an artifact knows no parent or link; a push does), never overwrites.
import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { clean, type NormalizedCommit } from './gitlab-payloads.js';

type Tx = Prisma.TransactionClient;

/** Full commit ids only: an abbreviated one could later name a different commit. */
const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * The upsert, with its parameters from $`first` on (project id, then one array per column) so
 * it can ride along in a bigger statement as a CTE; `where` (SQL) can hold it back.
 */
export function commitUpsertSql(first = 1, where?: string): string {
  const $ = (n: number) => `$${first + n - 1}`;
  return `
  INSERT INTO "Commit" ("projectId", "sha", "parentSha", "title", "authorName", "authorEmail", "authoredAt", "url")
  SELECT ${$(1)}::uuid, c.*
    FROM unnest(${$(2)}::text[], ${$(3)}::text[], ${$(4)}::text[], ${$(5)}::text[], ${$(6)}::text[],
                ${$(7)}::timestamp(3)[], ${$(8)}::text[]) AS c${where ? `\n   WHERE ${where}` : ''}
  ON CONFLICT ("projectId", "sha") DO UPDATE SET
    "parentSha" = COALESCE("Commit"."parentSha", EXCLUDED."parentSha"),
    "title" = CASE WHEN "Commit"."title" = '' THEN EXCLUDED."title" ELSE "Commit"."title" END,
    "authorName" = COALESCE("Commit"."authorName", EXCLUDED."authorName"),
    "authorEmail" = COALESCE("Commit"."authorEmail", EXCLUDED."authorEmail"),
    "authoredAt" = COALESCE("Commit"."authoredAt", EXCLUDED."authoredAt"),
    "url" = COALESCE("Commit"."url", EXCLUDED."url")`;
}

const UPSERT = commitUpsertSql();

/** The upsert's parameters: the project, one array per column, one row per commit (null: none). */
export function commitUpsertParams(projectId: string, listed: NormalizedCommit[]): unknown[] | null {
  // One row per commit: Postgres refuses to update a row twice in one statement. In sha order, so
  // two deliveries listing the same commits (now recorded by concurrent endpoint requests) lock
  // their rows in the same order and cannot deadlock.
  const commits = [...new Map(listed.map((c) => [c.sha, c])).values()].sort((a, b) => (a.sha < b.sha ? -1 : 1));
  if (commits.length === 0) return null;
  const col = <K extends keyof NormalizedCommit>(k: K) => commits.map((c) => c[k]);
  return [
    projectId,
    col('sha'),
    col('parentSha'),
    col('title'),
    col('authorName'),
    col('authorEmail'),
    col('authoredAt'),
    col('url'),
  ];
}

@Injectable()
export class CommitsService {
  constructor(private readonly prisma: PrismaService) {}

  /** A push's commits (at most 20), in one statement; on the worker's hot path, so plain pg. */
  async record(projectId: string, commits: NormalizedCommit[]): Promise<void> {
    const params = commitUpsertParams(projectId, commits);
    if (params) await this.prisma.pool.query(UPSERT, params);
  }

  /**
   * Runs `statement` (its parameters $1..$n are `params`) and records `commits` in the same
   * round trip: the upsert rides along as a data-modifying CTE, so both happen or neither.
   */
  async recordWith(
    projectId: string,
    commits: NormalizedCommit[],
    statement: string,
    params: unknown[],
  ): Promise<void> {
    const upsert = commitUpsertParams(projectId, commits);
    if (!upsert) {
      await this.prisma.pool.query(statement, params);
      return;
    }
    // The upsert's own parameters follow the statement's.
    const cte = commitUpsertSql(params.length + 1);
    await this.prisma.pool.query(`WITH "recordedCommits" AS (${cte}) ${statement}`, [...params, ...upsert]);
  }

  /** The same, inside a Prisma transaction. */
  async recordIn(tx: Tx, projectId: string, commits: NormalizedCommit[]): Promise<void> {
    const params = commitUpsertParams(projectId, commits);
    if (params) await tx.$executeRawUnsafe(UPSERT, ...params);
  }

  /** What `wharf artifact push` says about the commit it built (inside the push's transaction). */
  async recordFromArtifact(
    tx: Tx,
    projectId: string,
    info: { commit?: string | undefined; message?: string | undefined; author?: string | undefined },
  ): Promise<void> {
    if (!info.commit || !FULL_SHA.test(info.commit)) return;
    const title = (info.message ?? '').split('\n', 1)[0] ?? '';
    await this.recordIn(tx, projectId, [
      {
        sha: info.commit,
        parentSha: null,
        title: clean(title, 500),
        authorName: info.author ? clean(info.author, 200) : null,
        authorEmail: null,
        authoredAt: null,
        url: null,
      },
    ]);
  }
}
