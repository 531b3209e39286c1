// The fast path of a GitLab delivery: check the token, record the delivery once (the
// idempotency key makes GitLab's retries and parallel copies harmless), hand it to the worker.
// Nothing here waits for more than about a second: GitLab stops waiting after 10 s, and a
// 503 makes it retry later, which the idempotency key keeps safe.
import { Injectable, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { SLUG_PATTERN, type WebhookAckView, type WebhookEventKind } from '@wharf/shared';
import { randomUUID } from 'node:crypto';
import { isForeignKeyViolation } from '../common/db-errors.js';
import { JsonLogger } from '../common/json-logger.js';
import { withTimeout } from '../common/with-timeout.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { WebhookQueue } from '../queue/webhook-queue.service.js';
import { ruleSubject, whyNoRuleApplies } from './auto-deploy-rules.js';
import { commitUpsertParams, commitUpsertSql } from './commits.service.js';
import type { GitlabEvent, NormalizedCommit } from './gitlab-payloads.js';
import { RULE_REF_KEY_SQL, RuleRefsCache } from './rule-refs-cache.service.js';
import { type HookCredentials, WebhookTokenCache } from './webhook-token-cache.service.js';
import { webhookTokenMatches } from './webhook-token.js';

/** Longest a database step of the fast path may take before the answer is 503. */
const DB_TIMEOUT_MS = 1_500;

/** The delivery's headers, cleaned (what identifies it, whatever its body holds). */
export interface DeliveryMeta {
  /** X-Gitlab-Event as sent. */
  event: string;
  idempotencyKey: string;
  eventUuid: string | null;
}

/** One answer for a wrong token, a missing one, and an unknown project. */
export function invalidToken(): UnauthorizedException {
  return new UnauthorizedException('invalid webhook token');
}

@Injectable()
export class WebhookIngest {
  constructor(
    private readonly prisma: PrismaService,
    private readonly queue: WebhookQueue,
    private readonly tokens: WebhookTokenCache,
    private readonly ruleRefs: RuleRefsCache,
    private readonly logger: JsonLogger,
  ) {}

  /** The project whose webhook token this is; the same 401 (and the same work) otherwise. */
  async authenticate(slug: string, token: string | undefined): Promise<{ projectId: string }> {
    const found = SLUG_PATTERN.test(slug) ? await this.tokens.lookup(slug, () => this.readCredentials(slug)) : null;
    if (!webhookTokenMatches(token, found?.tokenHash ?? null) || !found) throw invalidToken();
    return { projectId: found.projectId };
  }

  private async readCredentials(slug: string): Promise<HookCredentials> {
    const { rows } = await this.db(
      this.prisma.pool.query<{ projectId: string; tokenHash: string | null }>(
        `SELECT p."id" AS "projectId", w."tokenHash"
           FROM "Project" p LEFT JOIN "ProjectWebhook" w ON w."projectId" = p."id"
          WHERE p."slug" = $1`,
        [slug],
      ),
    );
    return rows[0] ?? null;
  }

  /**
   * Records an accepted delivery and queues it. A delivery no rule applies to (most of them) is
   * settled here in the same statement, with its commits, and never queued. A copy of one
   * already recorded creates nothing; it is queued again only if no worker has looked at the
   * original yet.
   */
  async accept(projectId: string, meta: DeliveryMeta, event: GitlabEvent): Promise<WebhookAckView> {
    const known = this.ruleRefs.get(projectId);
    const subject = ruleSubject(event);
    // Events Wharf does not use are ignored whatever the rules; otherwise only if the rules
    // this instance knows still hold when the row is written (checked by the insert).
    const ignored =
      event.kind === 'other'
        ? whyNoRuleApplies(subject, [], meta.event)
        : known
          ? whyNoRuleApplies(subject, known.refs, meta.event)
          : null;
    const inserted = await this.insert(
      projectId,
      meta,
      event,
      ignored ? { outcome: 'ignored', reason: ignored } : null,
      {
        assumedRules: event.kind === 'other' ? null : (known?.keys ?? null),
        commits: ignored ? (event.details.commits ?? []) : [],
      },
    );
    const delivery = inserted ?? (await this.existing(projectId, meta.idempotencyKey));
    const status = inserted ? 'accepted' : 'duplicate';
    if (delivery.outcome === 'pending') {
      try {
        await this.queue.deliveryRecorded(delivery.id);
      } catch (err) {
        // Recorded but not queued: the sweeper would find it, but GitLab's retry is faster.
        this.logger.event(
          'warn',
          'webhook delivery recorded but not queued; answering 503',
          { deliveryId: delivery.id, error: String(err) },
          'WebhookIngest',
        );
        throw unavailable('Wharf cannot reach Redis');
      }
    }
    return { status, deliveryId: delivery.id };
  }

  /** Records a delivery refused for its body (too large, not JSON, not the announced event). */
  async reject(projectId: string, meta: DeliveryMeta, kind: WebhookEventKind, reason: string): Promise<void> {
    const none: GitlabEvent = {
      kind,
      ref: null,
      refType: null,
      refName: null,
      sha: null,
      commitAt: null,
      actor: null,
      details: {},
    };
    await this.insert(projectId, meta, none, { outcome: 'rejected', reason }, { assumedRules: null, commits: [] });
  }

  /**
   * One statement: the delivery row (nothing if its key is recorded already) and, when it is
   * settled here as ignored, its commits. `assumedRules`: the project's rule keys `settled` was
   * decided with; if the database's differ, the row stays pending for the worker. Returns the
   * new row (null for a copy) and refreshes the cached rules from the database's.
   */
  private async insert(
    projectId: string,
    meta: DeliveryMeta,
    e: GitlabEvent,
    settled: { outcome: 'ignored' | 'rejected'; reason: string } | null,
    opts: { assumedRules: string[] | null; commits: NormalizedCommit[] },
  ): Promise<{ id: string; outcome: string } | null> {
    const params: unknown[] = [
      randomUUID(),
      projectId,
      meta.event,
      e.kind,
      e.ref,
      e.sha,
      // ISO (UTC) strings: the columns hold UTC wall time, whatever this process's zone.
      e.commitAt?.toISOString() ?? null,
      e.actor,
      meta.idempotencyKey,
      meta.eventUuid,
      settled?.outcome ?? null,
      settled?.reason ?? null,
      JSON.stringify(e.details),
      settled ? new Date().toISOString() : null,
      opts.assumedRules,
    ];
    const upsert = settled?.outcome === 'ignored' ? commitUpsertParams(projectId, opts.commits) : null;
    const commits = upsert
      ? `, "recordedCommits" AS (${commitUpsertSql(params.length + 1, `EXISTS (SELECT 1 FROM "inserted" WHERE "outcome" = 'ignored')`)})`
      : '';
    const { rows } = await this.db(
      this.prisma.pool
        .query<{ id: string | null; outcome: string | null; rules: string[] }>(
          `WITH "rules" AS (
             SELECT COALESCE(array_agg(${RULE_REF_KEY_SQL} ORDER BY ${RULE_REF_KEY_SQL}), '{}') AS "keys"
               FROM "AutoDeployRule" r WHERE r."projectId" = $2::uuid),
           "settle" AS (
             SELECT $11::"WebhookOutcome" IS NOT NULL
                    AND ($15::text[] IS NULL OR ("keys" @> $15::text[] AND "keys" <@ $15::text[])) AS "here"
               FROM "rules"),
           "inserted" AS (
             INSERT INTO "WebhookDelivery"
               ("id", "projectId", "event", "kind", "ref", "sha", "commitAt", "actor", "idempotencyKey",
                "eventUuid", "outcome", "reason", "details", "processedAt")
             SELECT $1::uuid, $2::uuid, $3::text, $4::"WebhookEventKind", $5::text, $6::text, $7::timestamp(3),
                    $8::text, $9::text, $10::text,
                    CASE WHEN s."here" THEN $11::"WebhookOutcome" ELSE 'pending' END,
                    CASE WHEN s."here" THEN $12::text END, $13::jsonb,
                    CASE WHEN s."here" THEN $14::timestamp(3) END
               FROM "settle" s
             ON CONFLICT ("projectId", "idempotencyKey") DO NOTHING
             RETURNING "id", "outcome"::text AS "outcome")${commits}
           SELECT i."id", i."outcome", r."keys" AS "rules" FROM "rules" r LEFT JOIN "inserted" i ON true`,
          upsert ? [...params, ...upsert] : params,
        )
        .catch((err: unknown) => {
          if (!isForeignKeyViolation(err)) throw err;
          // Deleted since its credentials were cached: as for any unknown project.
          this.tokens.forgetProject(projectId);
          throw invalidToken();
        }),
    );
    const row = rows[0]!;
    this.ruleRefs.remember(projectId, row.rules);
    return row.id && row.outcome ? { id: row.id, outcome: row.outcome } : null;
  }

  private async existing(projectId: string, idempotencyKey: string): Promise<{ id: string; outcome: string }> {
    const { rows } = await this.db(
      this.prisma.pool.query<{ id: string; outcome: string }>(
        `SELECT "id", "outcome"::text AS "outcome" FROM "WebhookDelivery"
          WHERE "projectId" = $1 AND "idempotencyKey" = $2`,
        [projectId, idempotencyKey],
      ),
    );
    // Pruned between the conflict and this read (it was old): let GitLab try again.
    if (!rows[0]) throw unavailable('the delivery changed while it was recorded');
    return rows[0];
  }

  /** A database step with a deadline: slow or down is answered 503, and GitLab retries. */
  private async db<T>(p: Promise<T>): Promise<T> {
    try {
      return await withTimeout(p, DB_TIMEOUT_MS, `database did not answer within ${DB_TIMEOUT_MS} ms`);
    } catch (err) {
      if (err instanceof UnauthorizedException) throw err;
      this.logger.event('warn', 'webhook delivery: database unavailable', { error: String(err) }, 'WebhookIngest');
      throw unavailable('Wharf cannot reach its database');
    }
  }
}

function unavailable(what: string): ServiceUnavailableException {
  return new ServiceUnavailableException(`${what}; GitLab will retry the delivery`);
}
