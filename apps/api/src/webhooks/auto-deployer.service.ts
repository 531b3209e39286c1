// The worker side of GitLab webhooks.
// processDelivery: once per delivery (a conditional claim makes repeats harmless): record its
//   commits, apply the rules, and leave one AutoDeploy per matched environment.
// evaluateEnvironment: settles an environment's waiting auto-deploys under a Postgres advisory
//   lock: only the newest commit can run (older ones are superseded), never one older than
//   what a webhook already released there, only once its artifact is there, or it expires.
// The deployment itself comes from DeploymentsService, so locks, queueing and audit are those
// of any release; the AutoDeploy is marked deployed in the same transaction as the row.
// Freeze windows: an auto-deploy ready to run while a window holds its environment is held
// (`frozen`, heldUntil = the window's end; it still takes part in "newest wins") or dropped,
// as the window says; the sweeper and a delayed job come back for it when the window ends.
import { HttpException, Inject, Injectable } from '@nestjs/common';
import type { WebhookEventKind } from '@wharf/shared';
import { JsonLogger } from '../common/json-logger.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DeploymentsService } from '../deployments/deployments.service.js';
import type { AutoDeploy, Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { WebhookQueue } from '../queue/webhook-queue.service.js';
import { activeFreeze, describeFreeze } from '../release-policy/freeze-window-lookup.js';
import { ReleaseRefused } from '../release-policy/release-refused.js';
import { evaluateRules, ruleSubject, short, summarizeDelivery, type RuleRow } from './auto-deploy-rules.js';
import { CommitsService } from './commits.service.js';
import type { DeliveryDetails } from './gitlab-payloads.js';

type Tx = Prisma.TransactionClient;

interface PendingDelivery {
  id: string;
  projectId: string;
  event: string;
  kind: WebhookEventKind;
  ref: string | null;
  sha: string | null;
  details: unknown;
  seq: string;
  commitAt: Date | null;
  receivedAt: Date;
}

/** The claim found the decision out of date (another worker, or a newer commit meanwhile). */
class DecisionStale extends Error {}
class EnvironmentProtected extends Error {}

/** Interactive transactions here hold a lock while deciding; allow for a busy database. */
const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 };

/** Auto-deploys still to be decided: waiting for their artifact, or held by a freeze window. */
const UNDECIDED: AutoDeploy['state'][] = ['waiting', 'frozen'];

@Injectable()
export class AutoDeployer {
  constructor(
    private readonly prisma: PrismaService,
    private readonly deployments: DeploymentsService,
    private readonly commits: CommitsService,
    private readonly queue: WebhookQueue,
    private readonly logger: JsonLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async processDelivery(deliveryId: string): Promise<void> {
    // Most deliveries match no rule and the endpoint settles them itself; those that reach this
    // path (the endpoint's rules were not known or out of date) take two plain pg statements:
    // the delivery with its project's rules, then commits and outcome together.
    // Timestamps are stored as UTC wall time, read back as such.
    const [d] = (
      await this.prisma.pool.query<PendingDelivery & { rules: RuleRow[] }>(
        `SELECT d."id", d."projectId", d."event", d."kind"::text AS "kind", d."ref", d."sha", d."details",
                d."seq"::text AS "seq", d."commitAt" AT TIME ZONE 'UTC' AS "commitAt",
                d."receivedAt" AT TIME ZONE 'UTC' AS "receivedAt",
                COALESCE((
                  SELECT json_agg(json_build_object(
                           'id', r."id", 'environmentId', r."environmentId", 'environmentName', e."name",
                           'environmentProtected', e."protected", 'refType', r."refType", 'pattern', r."pattern",
                           'event', r."event", 'waitForArtifactSeconds', r."waitForArtifactSeconds"))
                    FROM "AutoDeployRule" r JOIN "Environment" e ON e."id" = r."environmentId"
                   WHERE r."projectId" = d."projectId"), '[]') AS "rules"
           FROM "WebhookDelivery" d WHERE d."id" = $1 AND d."outcome" = 'pending'`,
        [deliveryId],
      )
    ).rows;
    if (!d) return;
    const details = (d.details ?? {}) as DeliveryDetails;
    const evaluation = evaluateRules(ruleSubject({ ...d, details }), d.rules, d.event);
    if (evaluation.ignoredBecause) {
      // One conditional update (of two workers looking at it, one wins), with the commits.
      await this.commits.recordWith(
        d.projectId,
        details.commits ?? [],
        `UPDATE "WebhookDelivery" SET "outcome" = 'ignored', "reason" = $2, "processedAt" = $3
          WHERE "id" = $1 AND "outcome" = 'pending'`,
        [d.id, evaluation.ignoredBecause, new Date().toISOString()],
      );
      return;
    }
    if (details.commits?.length) await this.commits.record(d.projectId, details.commits);
    // Tag pushes list no commits: the commit's time may be known from an earlier push.
    const commitAt =
      d.commitAt ??
      (d.sha
        ? ((
            await this.prisma.commit.findUnique({
              where: { projectId_sha: { projectId: d.projectId, sha: d.sha } },
              select: { authoredAt: true },
            })
          )?.authoredAt ?? null)
        : null);

    const waitingEnvironments = await this.prisma.$transaction(async (tx) => {
      // The claim: of two workers looking at one delivery, one goes on.
      const claimed = await tx.webhookDelivery.updateMany({
        where: { id: d.id, outcome: 'pending' },
        data: { outcome: 'ignored', reason: '', processedAt: new Date() },
      });
      if (claimed.count === 0) return [];
      for (const dec of evaluation.decisions) {
        await tx.autoDeploy.create({
          data: {
            deliveryId: d.id,
            environmentId: dec.environmentId,
            ruleId: dec.ruleId,
            sha: d.sha,
            state: dec.state,
            reason: dec.reason,
            orderAt: commitAt ?? d.receivedAt,
            seq: BigInt(d.seq),
            expiresAt:
              dec.state === 'waiting' ? new Date(d.receivedAt.getTime() + dec.waitForArtifactSeconds * 1000) : null,
            settledAt: dec.state === 'waiting' ? null : new Date(),
          },
        });
      }
      await refreshOutcome(tx, d.id);
      return evaluation.decisions.filter((x) => x.state === 'waiting').map((x) => x.environmentId);
    });
    // A short wait first, so a burst of pushes to one branch releases only the newest.
    for (const environmentId of waitingEnvironments) {
      await this.queue
        .evaluateEnvironment(environmentId, `delivery-${d.id}`, this.config.WHARF_AUTO_DEPLOY_SETTLE_MS + 100)
        .catch((err: unknown) =>
          this.logger.event(
            'warn',
            'could not queue an auto-deploy decision; the sweeper will make it',
            { deliveryId: d.id, environmentId, error: String(err) },
            'AutoDeployer',
          ),
        );
    }
  }

  async evaluateEnvironment(environmentId: string): Promise<void> {
    let thawAt: Date | null = null;
    const decided = await this.prisma.$transaction(async (tx) => {
      const now = await lockEnvironment(tx, environmentId);
      const waiting = await tx.autoDeploy.findMany({
        where: { environmentId, state: { in: UNDECIDED } },
        orderBy: [{ orderAt: 'desc' }, { seq: 'desc' }],
      });
      const newest = waiting[0];
      if (!newest) return null;
      // Still inside its settle window: its own delayed job (or the sweeper) comes back for it.
      if (now.getTime() - newest.createdAt.getTime() < this.config.WHARF_AUTO_DEPLOY_SETTLE_MS) return null;
      const touched = new Set<string>();
      for (const older of waiting.slice(1)) {
        await settle(tx, older, 'superseded', `superseded by ${short(newest.sha ?? '')}, a newer commit`);
        touched.add(older.deliveryId);
      }
      const released = await lastReleased(tx, environmentId);
      const artifact = newest.sha ? await artifactFor(tx, environmentId, newest.sha) : null;
      let outcome: { intent: AutoDeploy; artifact: { id: string; version: string } } | null = null;
      if (released && (released.sha === newest.sha || isNewer(released, newest))) {
        await settle(
          tx,
          newest,
          'superseded',
          released.sha === newest.sha
            ? `${short(newest.sha ?? '')} was already released here by a webhook`
            : `${short(released.sha ?? '')}, a newer commit, was already released here by a webhook`,
        );
      } else if (artifact && (!newest.expiresAt || artifact.createdAt <= newest.expiresAt)) {
        const held = await holdForFreeze(tx, newest, now);
        if (held) thawAt = held;
        else if (held === null) outcome = { intent: newest, artifact };
      } else if (newest.expiresAt && newest.expiresAt <= now) {
        const waited = Math.round((newest.expiresAt.getTime() - newest.createdAt.getTime()) / 1000);
        await settle(
          tx,
          newest,
          'expired',
          `no artifact built from ${short(newest.sha ?? '')} arrived in time (waited ${Math.max(0, waited)} s)`,
        );
      }
      if (!outcome) touched.add(newest.deliveryId);
      for (const id of touched) await refreshOutcome(tx, id);
      return outcome;
    }, TX_OPTIONS);
    if (thawAt) {
      // Back when the window ends (the sweeper looks too, should this job be lost).
      const at: Date = thawAt;
      await this.queue
        .evaluateEnvironment(environmentId, `thaw-${at.getTime()}`, Math.max(0, at.getTime() - Date.now()) + 100)
        .catch(() => undefined);
    }
    if (decided) await this.release(decided.intent, decided.artifact);
  }

  /** Environments with auto-deploys due for a decision (for the sweeper). */
  async environmentsToEvaluate(limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ environmentId: string }[]>`
      SELECT DISTINCT "environmentId" FROM "AutoDeploy"
       WHERE ("state" = 'waiting'
              AND "createdAt" <= now() - make_interval(secs => ${this.config.WHARF_AUTO_DEPLOY_SETTLE_MS / 1000}))
          OR ("state" = 'frozen' AND "heldUntil" <= now())
       LIMIT ${limit}`;
    return rows.map((r) => r.environmentId);
  }

  private async release(intent: AutoDeploy, artifact: { id: string; version: string }): Promise<void> {
    const env = await this.prisma.environment.findUniqueOrThrow({
      where: { id: intent.environmentId },
      include: { project: { select: { id: true, slug: true, name: true } } },
    });
    try {
      await this.deployments.createForWebhook(env.project, env, artifact.id, async (tx, deploymentId) => {
        await lockEnvironment(tx, intent.environmentId);
        const now = await tx.environment.findUniqueOrThrow({ where: { id: env.id }, select: { protected: true } });
        if (now.protected) throw new EnvironmentProtected();
        // Re-checked under the lock: still waiting, still the newest, nothing newer released.
        const newer = await tx.autoDeploy.findFirst({
          where: {
            environmentId: intent.environmentId,
            id: { not: intent.id },
            state: { in: [...UNDECIDED, 'deployed'] },
            OR: [{ orderAt: { gt: intent.orderAt } }, { orderAt: intent.orderAt, seq: { gt: intent.seq } }],
          },
          select: { id: true },
        });
        if (newer) throw new DecisionStale();
        const claimed = await tx.autoDeploy.updateMany({
          where: { id: intent.id, state: { in: UNDECIDED } },
          data: {
            state: 'deployed',
            heldUntil: null,
            deploymentId,
            reason: `released ${artifact.version} (deployment ${deploymentId.slice(0, 8)})`,
            settledAt: new Date(),
          },
        });
        if (claimed.count === 0) throw new DecisionStale();
        await refreshOutcome(tx, intent.deliveryId);
      });
    } catch (err) {
      if (err instanceof DecisionStale) {
        // Whatever changed has its own decision coming; make sure of it.
        await this.queue.evaluateEnvironment(intent.environmentId, `stale-${intent.id}`).catch(() => undefined);
        return;
      }
      if (err instanceof ReleaseRefused && err.gate === 'freeze') {
        // A window began after the decision: decide again, and the window holds or drops it.
        await this.queue.evaluateEnvironment(intent.environmentId, `frozen-${intent.id}`).catch(() => undefined);
        return;
      }
      if (err instanceof ReleaseRefused) {
        // The promotion rule: a webhook never overrides it.
        await this.settleNow(intent, 'refused', `refused: ${err.message}`);
        return;
      }
      if (err instanceof EnvironmentProtected) {
        await this.settleNow(intent, 'refused', `${env.name} is protected: webhooks never release to it`);
        return;
      }
      if (err instanceof HttpException) {
        // The release itself was refused (no targets, an image for SSH targets, version deleted).
        await this.settleNow(intent, 'failed', `could not release ${artifact.version}: ${err.message}`);
        return;
      }
      throw err; // transient: the job is retried, and the sweeper comes back
    }
  }

  private async settleNow(intent: AutoDeploy, state: 'refused' | 'failed', reason: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      if (await settle(tx, intent, state, reason)) await refreshOutcome(tx, intent.deliveryId);
    });
  }
}

/** Serializes decisions per environment; returns the database's clock. */
async function lockEnvironment(tx: Tx, environmentId: string): Promise<Date> {
  const rows = await tx.$queryRaw<{ now: Date }[]>`
    SELECT now() AS "now", pg_advisory_xact_lock(hashtextextended(${`autodeploy:${environmentId}`}, 0))::text AS "locked"`;
  return rows[0]!.now;
}

/** Moves one auto-deploy out of waiting (or frozen); false when it had already left it. */
async function settle(tx: Tx, intent: AutoDeploy, state: AutoDeploy['state'], reason: string): Promise<boolean> {
  const r = await tx.autoDeploy.updateMany({
    where: { id: intent.id, state: { in: UNDECIDED } },
    data: { state, reason, settledAt: new Date(), heldUntil: null },
  });
  return r.count === 1;
}

/**
 * An auto-deploy ready to run while a freeze window holds its environment: held until the
 * window ends (returns that end) or dropped (returns false), as the window says. Null: no
 * window holds, go ahead.
 */
async function holdForFreeze(tx: Tx, intent: AutoDeploy, now: Date): Promise<Date | false | null> {
  const env = await tx.environment.findUniqueOrThrow({
    where: { id: intent.environmentId },
    select: { projectId: true },
  });
  const freeze = await activeFreeze(tx, env.projectId, intent.environmentId, now);
  if (!freeze) return null;
  if (freeze.window.autoDeploy === 'drop') {
    await settle(tx, intent, 'refused', `dropped: ${describeFreeze(freeze)} drops auto-deploys`);
    return false;
  }
  await tx.autoDeploy.updateMany({
    where: { id: intent.id, state: { in: UNDECIDED } },
    data: {
      state: 'frozen',
      heldUntil: freeze.endsAt,
      reason: `held by ${describeFreeze(freeze)}; released when it ends`,
    },
  });
  return freeze.endsAt;
}

async function lastReleased(tx: Tx, environmentId: string): Promise<AutoDeploy | null> {
  return tx.autoDeploy.findFirst({
    where: { environmentId, state: 'deployed' },
    orderBy: [{ orderAt: 'desc' }, { seq: 'desc' }],
  });
}

function isNewer(a: Pick<AutoDeploy, 'orderAt' | 'seq'>, b: Pick<AutoDeploy, 'orderAt' | 'seq'>): boolean {
  const t = a.orderAt.getTime() - b.orderAt.getTime();
  return t > 0 || (t === 0 && a.seq > b.seq);
}

/** The newest live (not deleted) artifact built from `sha` (CI may record an abbreviated commit id). */
async function artifactFor(
  tx: Tx,
  environmentId: string,
  sha: string,
): Promise<{ id: string; version: string; createdAt: Date } | null> {
  const rows = await tx.$queryRaw<{ id: string; version: string; createdAt: Date }[]>`
    SELECT a."id", a."version", a."createdAt"
      FROM "Artifact" a JOIN "Environment" e ON e."projectId" = a."projectId"
     WHERE e."id" = ${environmentId}::uuid AND a."deletedAt" IS NULL
       AND (a."commitSha" = ${sha} OR (length(a."commitSha") BETWEEN 7 AND 39 AND ${sha} LIKE a."commitSha" || '%'))
     ORDER BY a."createdAt" DESC
     LIMIT 1`;
  return rows[0] ?? null;
}

/** Recomputes a delivery's outcome and reason from its environments. */
async function refreshOutcome(tx: Tx, deliveryId: string): Promise<void> {
  const parts = await tx.autoDeploy.findMany({
    where: { deliveryId },
    include: { environment: { select: { name: true } } },
  });
  if (parts.length === 0) return;
  const { outcome, reason } = summarizeDelivery(
    parts
      .map((p) => ({ environmentName: p.environment.name, state: p.state, reason: p.reason }))
      .sort((a, b) => a.environmentName.localeCompare(b.environmentName)),
  );
  await tx.webhookDelivery.update({ where: { id: deliveryId }, data: { outcome, reason } });
}
