// Commits learnt from GitLab payloads and artifact pushes. A later record fills in what an
// earlier one left blank (an artifact knows no parent or link; a push does), never overwrites.
import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { clean, type NormalizedCommit } from './gitlab-payloads.js';

type Db = Pick<PrismaService, '$executeRaw'> | Prisma.TransactionClient;

/** Full commit ids only: an abbreviated one could later name a different commit. */
const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

@Injectable()
export class CommitsService {
  constructor(private readonly prisma: PrismaService) {}

  /** One statement for a push's commits (at most 20). */
  async record(projectId: string, listed: NormalizedCommit[], db: Db = this.prisma): Promise<void> {
    // One row per commit: Postgres refuses to update a row twice in one statement.
    const commits = [...new Map(listed.map((c) => [c.sha, c])).values()];
    if (commits.length === 0) return;
    const col = <K extends keyof NormalizedCommit>(k: K) => commits.map((c) => c[k]);
    await db.$executeRaw`
      INSERT INTO "Commit" ("projectId", "sha", "parentSha", "title", "authorName", "authorEmail", "authoredAt", "url")
      SELECT ${projectId}::uuid, c.*
        FROM unnest(${col('sha')}::text[], ${col('parentSha')}::text[], ${col('title')}::text[],
                    ${col('authorName')}::text[], ${col('authorEmail')}::text[],
                    ${col('authoredAt')}::timestamp(3)[], ${col('url')}::text[]) AS c
      ON CONFLICT ("projectId", "sha") DO UPDATE SET
        "parentSha" = COALESCE("Commit"."parentSha", EXCLUDED."parentSha"),
        "title" = CASE WHEN "Commit"."title" = '' THEN EXCLUDED."title" ELSE "Commit"."title" END,
        "authorName" = COALESCE("Commit"."authorName", EXCLUDED."authorName"),
        "authorEmail" = COALESCE("Commit"."authorEmail", EXCLUDED."authorEmail"),
        "authoredAt" = COALESCE("Commit"."authoredAt", EXCLUDED."authoredAt"),
        "url" = COALESCE("Commit"."url", EXCLUDED."url")`;
  }

  /** What `wharf artifact push` says about the commit it built (inside the push's transaction). */
  async recordFromArtifact(
    db: Db,
    projectId: string,
    info: { commit?: string | undefined; message?: string | undefined; author?: string | undefined },
  ): Promise<void> {
    if (!info.commit || !FULL_SHA.test(info.commit)) return;
    const title = (info.message ?? '').split('\n', 1)[0] ?? '';
    await this.record(
      projectId,
      [
        {
          sha: info.commit,
          parentSha: null,
          title: clean(title, 500),
          authorName: info.author ? clean(info.author, 200) : null,
          authorEmail: null,
          authoredAt: null,
          url: null,
        },
      ],
      db,
    );
  }
}
