// GitLab webhook payloads, as documented in GitLab's doc/user/project/integrations/
// webhook_events.md ("Push events", "Tag events", "Pipeline events"). Read leniently: only the
// fields Wharf uses are checked, everything else is ignored. Text that reaches the dashboard is
// cleaned and capped here, and only http(s) links are kept.
import type { WebhookEventKind } from '@wharf/shared';
import { z } from 'zod';

/** X-Gitlab-Event → the payload's object_kind; every other event is recorded as ignored. */
export const GITLAB_EVENT_KINDS: Readonly<Record<string, Exclude<WebhookEventKind, 'other'>>> = {
  'Push Hook': 'push',
  'Tag Push Hook': 'tag_push',
  'Pipeline Hook': 'pipeline',
};

/** SHA-1, or SHA-256 for repositories that use it. */
const shaSchema = z.string().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/);
const ZERO_SHA = /^0+$/;

const commitSchema = z.object({
  id: shaSchema,
  message: z.string().optional(),
  title: z.string().optional(),
  timestamp: z.string().optional(),
  url: z.string().optional(),
  author: z.object({ name: z.string().optional(), email: z.string().optional() }).optional(),
});

const pushSchema = z.object({
  object_kind: z.enum(['push', 'tag_push']),
  ref: z.string().min(1).max(1024),
  before: z.string(),
  after: z.string(),
  checkout_sha: z.string().nullable().optional(),
  user_name: z.string().optional(),
  user_username: z.string().optional(),
  commits: z.array(z.unknown()).optional(),
  total_commits_count: z.number().int().optional(),
});

const pipelineSchema = z.object({
  object_kind: z.literal('pipeline'),
  object_attributes: z.object({
    id: z.number().int(),
    ref: z.string().min(1).max(1024),
    tag: z.boolean(),
    sha: shaSchema,
    status: z.string().max(64),
    source: z.string().max(64).optional(),
  }),
  user: z.object({ name: z.string().optional(), username: z.string().optional() }).nullable().optional(),
  commit: z.unknown().optional(),
});

export interface NormalizedCommit {
  sha: string;
  /** The commit GitLab listed before it in the same push; null when unknown. */
  parentSha: string | null;
  title: string;
  authorName: string | null;
  authorEmail: string | null;
  authoredAt: string | null;
  url: string | null;
}

/** What the worker needs from a body, stored with the delivery (the body itself is not kept). */
export interface DeliveryDetails {
  commits?: NormalizedCommit[];
  pipeline?: { id: number; status: string; source: string | null };
  /** The push deleted the branch or tag. */
  deleted?: boolean;
}

export interface GitlabEvent {
  kind: WebhookEventKind;
  /** As GitLab names it: refs/heads/<branch> or refs/tags/<tag>. */
  ref: string | null;
  refType: 'branch' | 'tag' | null;
  refName: string | null;
  /** The commit to release; null when the push deleted the ref. */
  sha: string | null;
  /** When that commit was made, if the payload says. */
  commitAt: Date | null;
  actor: string | null;
  details: DeliveryDetails;
}

export class PayloadError extends Error {}

/** Parses a body GitLab sent for `kind`; throws PayloadError when it is not that event. */
export function readGitlabEvent(kind: WebhookEventKind, body: unknown): GitlabEvent {
  switch (kind) {
    case 'push':
    case 'tag_push':
      return readPush(kind, body);
    case 'pipeline':
      return readPipeline(body);
    case 'other':
      return { kind, ref: null, refType: null, refName: null, sha: null, commitAt: null, actor: null, details: {} };
  }
}

function parse<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw new PayloadError(`not a GitLab ${what} payload (${where}${issue?.message ?? 'invalid'})`);
}

function readPush(kind: 'push' | 'tag_push', body: unknown): GitlabEvent {
  const p = parse(pushSchema, body, kind === 'push' ? 'push' : 'tag push');
  if (p.object_kind !== kind)
    throw new PayloadError(`object_kind is ${p.object_kind}, but X-Gitlab-Event says ${kind}`);
  const prefix = kind === 'push' ? 'refs/heads/' : 'refs/tags/';
  if (!p.ref.startsWith(prefix)) throw new PayloadError(`ref ${clean(p.ref, 200)} does not start with ${prefix}`);
  const deleted = ZERO_SHA.test(p.after);
  // For an annotated tag `after` is the tag object; checkout_sha is the commit it points to.
  const head = p.checkout_sha ?? (deleted ? null : p.after);
  const sha = head && shaSchema.safeParse(head).success ? head : null;
  const listed = (p.commits ?? []).flatMap((c) => {
    const r = commitSchema.safeParse(c);
    return r.success ? [r.data] : [];
  });
  // GitLab lists the pushed commits oldest first, at most the newest 20 of them: the first one's
  // parent is `before` only when nothing was left out.
  const complete = p.total_commits_count === undefined || p.total_commits_count <= listed.length;
  const first = complete && !ZERO_SHA.test(p.before) && shaSchema.safeParse(p.before).success ? p.before : null;
  const commits = listed.map((c, i) => normalizeCommit(c, i === 0 ? first : listed[i - 1]!.id));
  const headCommit = commits.find((c) => c.sha === sha);
  return {
    kind,
    ref: clean(p.ref, 255),
    refType: kind === 'push' ? 'branch' : 'tag',
    refName: clean(p.ref.slice(prefix.length), 255),
    sha,
    commitAt: dateOrNull(headCommit?.authoredAt ?? null),
    actor: actorOf(p.user_name, p.user_username),
    details: { commits, ...(deleted || !sha ? { deleted: true } : {}) },
  };
}

function readPipeline(body: unknown): GitlabEvent {
  const p = parse(pipelineSchema, body, 'pipeline');
  const a = p.object_attributes;
  const commit = commitSchema.safeParse(p.commit);
  const c = commit.success && commit.data.id === a.sha ? normalizeCommit(commit.data, null) : null;
  const refType = a.tag ? 'tag' : 'branch';
  return {
    kind: 'pipeline',
    ref: clean(`${a.tag ? 'refs/tags/' : 'refs/heads/'}${a.ref}`, 255),
    refType,
    refName: clean(a.ref, 255),
    sha: a.sha,
    commitAt: dateOrNull(c?.authoredAt ?? null),
    actor: actorOf(p.user?.name, p.user?.username),
    details: {
      ...(c ? { commits: [c] } : {}),
      pipeline: { id: a.id, status: clean(a.status, 64), source: a.source ? clean(a.source, 64) : null },
    },
  };
}

function normalizeCommit(c: z.output<typeof commitSchema>, parentSha: string | null): NormalizedCommit {
  const title = c.title ?? (c.message ?? '').split('\n', 1)[0] ?? '';
  return {
    sha: c.id,
    parentSha,
    title: clean(title, 500),
    authorName: c.author?.name ? clean(c.author.name, 200) : null,
    authorEmail: c.author?.email ? clean(c.author.email, 254) : null,
    authoredAt: dateOrNull(c.timestamp ?? null)?.toISOString() ?? null,
    url: httpUrl(c.url),
  };
}

function actorOf(name: string | undefined, username: string | undefined): string | null {
  if (name && username) return clean(`${name} (${username})`, 200);
  const one = name ?? username;
  return one ? clean(one, 200) : null;
}

/** Control characters out (they would garble the delivery list), length capped. */
export function clean(s: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, max);
}

function dateOrNull(s: string | null): Date | null {
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Only http(s) links reach the dashboard, never javascript: or data: ones. */
function httpUrl(s: string | undefined): string | null {
  if (!s || s.length > 2000) return null;
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}
