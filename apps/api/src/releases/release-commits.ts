// How many commits a release moved, from the commits Wharf knows (each points to its parent,
// see webhooks/changelog.ts): one recursive query per page or export batch, walking from the
// released commit back to the replaced one (forward), or the other way (a rollback).
import type { PrismaService } from '../prisma/prisma.service.js';

/** How far back a chain of parents is followed. */
const MAX_CHAIN = 200;

export interface CommitRange {
  key: string;
  projectId: string;
  fromSha: string | null;
  toSha: string | null;
}

interface WalkRow {
  key: string;
  back: boolean;
  count: number | null;
}

/** key -> commits between (negative for a rollback); ranges that are not linked are absent. */
export async function countCommits(prisma: PrismaService, ranges: CommitRange[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const walks = ranges.filter((r) => r.fromSha && r.toSha);
  for (const r of walks) if (r.fromSha === r.toSha) counts.set(r.key, 0);
  const open = walks.filter((r) => r.fromSha !== r.toSha);
  if (open.length === 0) return counts;
  // Each range twice: forward (from the released commit back to the replaced one) and back.
  const keys = open.flatMap((r) => [r.key, r.key]);
  const backs = open.flatMap(() => [false, true]);
  const projects = open.flatMap((r) => [r.projectId, r.projectId]);
  const starts = open.flatMap((r) => [r.toSha!, r.fromSha!]);
  const stops = open.flatMap((r) => [r.fromSha!, r.toSha!]);
  // A commit recorded by CI may be abbreviated: both ends match as a prefix.
  const rows = await prisma.$queryRaw<WalkRow[]>`
    WITH RECURSIVE walk AS (
      SELECT x.key, x.back, x.project_id, x.stop, c."sha", c."parentSha", 1 AS depth
        FROM unnest(${keys}::text[], ${backs}::boolean[], ${projects}::uuid[], ${starts}::text[], ${stops}::text[])
             AS x(key, back, project_id, start, stop)
        JOIN "Commit" c ON c."projectId" = x.project_id
                       AND (c."sha" = x.start OR (length(x.start) < 40 AND starts_with(c."sha", x.start)))
      UNION ALL
      SELECT w.key, w.back, w.project_id, w.stop, p."sha", p."parentSha", w.depth + 1
        FROM walk w JOIN "Commit" p ON p."projectId" = w.project_id AND p."sha" = w."parentSha"
       WHERE w.depth < ${MAX_CHAIN} AND NOT starts_with(w."sha", w.stop)
    )
    SELECT key, back,
           min(CASE WHEN starts_with("sha", stop) THEN depth - 1
                    WHEN starts_with(coalesce("parentSha", ''), stop) AND stop <> '' THEN depth END)::int AS count
      FROM walk GROUP BY key, back`;
  // Forward first: a linked forward walk is the answer even if a walk back also ended somewhere.
  for (const r of rows.sort((a, b) => Number(a.back) - Number(b.back))) {
    if (r.count === null || counts.has(r.key)) continue;
    counts.set(r.key, r.back ? -r.count : r.count);
  }
  return counts;
}
