// GET …/changelog: what releasing a version to an environment changes, in commits, and
// whether it goes forward or back (a rollback) compared to what the environment runs.
import { Injectable, NotFoundException } from '@nestjs/common';
import type { ChangelogQuery, ChangelogView, CommitView } from '@wharf/shared';
import { PrismaService } from '../prisma/prisma.service.js';
import { linkCommits } from './changelog.js';

/** How far back a chain of parents is followed. */
const MAX_CHAIN = 200;
/** With nothing running yet, this many of the target's own commits are listed. */
const FIRST_RELEASE_COMMITS = 20;

interface CommitRow {
  sha: string;
  parentSha: string | null;
  title: string;
  authorName: string | null;
  authoredAt: Date | null;
  url: string | null;
}

@Injectable()
export class ChangelogService {
  constructor(private readonly prisma: PrismaService) {}

  async changelog(projectId: string, q: ChangelogQuery): Promise<ChangelogView> {
    const env = await this.prisma.environment.findFirst({ where: { id: q.environmentId, projectId } });
    if (!env) throw new NotFoundException('environment not found');
    const target = await this.prisma.artifact.findUnique({
      where: { projectId_version: { projectId, version: q.version } },
      select: { version: true, commitSha: true },
    });
    if (!target) throw new NotFoundException(`version ${q.version} not found in this project`);
    const current = q.from
      ? await this.versionAt(projectId, q.from)
      : await this.prisma.deployment.findFirst({
          where: { environmentId: env.id, state: 'succeeded' },
          orderBy: { finishedAt: 'desc' },
          select: { artifact: { select: { version: true, commitSha: true } } },
        });
    const targetSha = await this.fullSha(projectId, target.commitSha);
    const base = { environmentId: env.id, target: { version: target.version, commitSha: targetSha } };
    if (!current) {
      // A first release: everything is new; the target's own recent commits are listed.
      const chain = targetSha ? await this.chain(projectId, targetSha, FIRST_RELEASE_COMMITS) : [];
      return { ...base, running: null, direction: 'forward', commits: chain.map(toView), complete: false };
    }
    const runningSha = await this.fullSha(projectId, current.artifact.commitSha);
    const running = { version: current.artifact.version, commitSha: runningSha };
    if (current.artifact.version === target.version) {
      return { ...base, running, direction: 'same', commits: [], complete: true };
    }
    const [targetChain, runningChain] = await Promise.all([
      targetSha ? this.chain(projectId, targetSha, MAX_CHAIN) : Promise.resolve([]),
      runningSha ? this.chain(projectId, runningSha, MAX_CHAIN) : Promise.resolve([]),
    ]);
    const linked = linkCommits({ sha: targetSha, chain: targetChain }, { sha: runningSha, chain: runningChain });
    return {
      ...base,
      running,
      direction: linked.direction,
      commits: linked.commits.map(toView),
      complete: linked.complete,
    };
  }

  /** An explicit starting version, shaped like the environment's latest succeeded deployment. */
  private async versionAt(projectId: string, version: string) {
    const artifact = await this.prisma.artifact.findUnique({
      where: { projectId_version: { projectId, version } },
      select: { version: true, commitSha: true },
    });
    if (!artifact) throw new NotFoundException(`version ${version} not found in this project`);
    return { artifact };
  }

  /** Known commits from `sha` back through their parents, newest first. */
  private chain(projectId: string, sha: string, limit: number): Promise<CommitRow[]> {
    return this.prisma.$queryRaw<CommitRow[]>`
      WITH RECURSIVE chain AS (
        SELECT c."sha", c."parentSha", c."title", c."authorName", c."authoredAt", c."url", 1 AS depth
          FROM "Commit" c WHERE c."projectId" = ${projectId}::uuid AND c."sha" = ${sha}
        UNION ALL
        SELECT p."sha", p."parentSha", p."title", p."authorName", p."authoredAt", p."url", chain.depth + 1
          FROM chain JOIN "Commit" p ON p."projectId" = ${projectId}::uuid AND p."sha" = chain."parentSha"
         WHERE chain.depth < ${limit}
      )
      SELECT "sha", "parentSha", "title", "authorName", "authoredAt", "url" FROM chain ORDER BY depth`;
  }

  /** CI may record an abbreviated commit id: the full one, when exactly one known commit has it. */
  private async fullSha(projectId: string, sha: string | null): Promise<string | null> {
    if (!sha || sha.length >= 40) return sha;
    const rows = await this.prisma.commit.findMany({
      where: { projectId, sha: { startsWith: sha } },
      select: { sha: true },
      take: 2,
    });
    return rows.length === 1 ? rows[0]!.sha : sha;
  }
}

function toView(c: CommitRow): CommitView {
  return {
    sha: c.sha,
    title: c.title,
    authorName: c.authorName,
    authoredAt: c.authoredAt?.toISOString() ?? null,
    url: c.url,
  };
}
