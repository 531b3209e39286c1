// Release requests: create, cancel, retry failed targets, roll back, and read history.
// The row (and its per-target rows) is committed before the job is queued; the job carries
// only the id, and the worker claims it with a conditional update.
import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import {
  encodeTimeIdCursor,
  readDeploySettings,
  RELEASE_AUDIT_ACTIONS,
  roleAtLeast,
  tokenMayReleaseTo,
  type CreateDeploymentBody,
  type DeploymentListQuery,
  type DeploymentTrigger,
  type DeploymentView,
  type EnvironmentStatusView,
  type Page,
  type ReleaseActionBody,
  type ReleaseOverrides,
} from '@wharf/shared';
import { lockLiveArtifactForRelease, versionGone } from '../artifacts/artifact-locks.js';
import { AuditService } from '../audit/audit.service.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { actorLabel } from '../common/request-context.js';
import { JsonLogger } from '../common/json-logger.js';
import type { Environment, Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ProjectCtx } from '../projects/projects.service.js';
import { DeployQueue } from '../queue/deploy-queue.service.js';
import { ReleaseGates } from '../release-policy/release-gates.js';
import { DeploymentEvents } from './deployment-events.js';
import { loadDeploymentView } from './deployment-view-query.js';
import { deploymentViewInclude, toDeploymentView } from './deployment.views.js';
import { assertRollingRestartMayRun } from './rolling-restart-preflight.js';

interface NewDeployment {
  environment: Environment;
  artifactId: string;
  trigger: DeploymentTrigger;
  targetIds?: string[];
  retryOfId?: string;
  /** The request's Idempotency-Key, stored so a repeat finds this deployment. */
  requestKey?: string;
  /** Gate override reasons the requester wrote (promotion, freeze). */
  overrides?: ReleaseOverrides;
  /** Runs in the transaction that creates the deployment; throwing undoes the deployment. */
  inTx?: (tx: Prisma.TransactionClient, deploymentId: string) => Promise<void>;
}

@Injectable()
export class DeploymentsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly queue: DeployQueue,
    private readonly events: DeploymentEvents,
    private readonly logger: JsonLogger,
    private readonly gates: ReleaseGates,
  ) {}

  /**
   * A release asked for by a person or a CI token. With `requestKey` (the Idempotency-Key),
   * a repeated request gets the deployment the first one created (`repeated`), not a second.
   */
  async create(
    ctx: ProjectCtx,
    body: CreateDeploymentBody,
    trigger: DeploymentTrigger = 'manual',
    requestKey?: string,
  ): Promise<{ deployment: DeploymentView; repeated: boolean }> {
    if (requestKey) {
      const earlier = await this.byRequestKey(ctx.project.id, requestKey, body);
      if (earlier) return { deployment: earlier, repeated: true };
    }
    const environment = await this.environmentOf(ctx, body.environmentId);
    this.assertMayDeploy(ctx, environment, body.confirm);
    if (ctx.actor.type === 'token' && !tokenMayReleaseTo(ctx.actor.environmentIds, environment.id)) {
      throw new ForbiddenException(`this token may not release to ${environment.name}`);
    }
    const artifact = await this.prisma.artifact.findUnique({
      where: { projectId_version: { projectId: ctx.project.id, version: body.version } },
    });
    if (!artifact) throw new NotFoundException(`version ${body.version} not found in this project`);
    if (artifact.deletedAt) throw versionGone(artifact.version, artifact);
    try {
      return {
        deployment: await this.enqueueNew(ctx, {
          environment,
          artifactId: artifact.id,
          trigger,
          requestKey,
          overrides: overridesOf(body),
        }),
        repeated: false,
      };
    } catch (err) {
      // The same key at the same moment on another instance: its deployment is the answer.
      if (!requestKey || !isUniqueViolation(err, 'Deployment_projectId_requestKey_key')) throw err;
      const earlier = await this.byRequestKey(ctx.project.id, requestKey, body);
      if (!earlier) throw err;
      return { deployment: earlier, repeated: true };
    }
  }

  /** The deployment an earlier request with this key created; 409 if that request asked for something else. */
  private async byRequestKey(
    projectId: string,
    requestKey: string,
    body: CreateDeploymentBody,
  ): Promise<DeploymentView | null> {
    const d = await this.prisma.deployment.findUnique({
      where: { projectId_requestKey: { projectId, requestKey } },
      include: deploymentViewInclude,
    });
    if (!d) return null;
    if (d.environmentId !== body.environmentId || d.artifact.version !== body.version) {
      throw new ConflictException(
        `Idempotency-Key ${requestKey} was used for another release (version ${d.artifact.version} to ${d.environment.name}); use a new key for a new release`,
      );
    }
    return toDeploymentView(d);
  }

  /**
   * A release asked for by a GitLab webhook (an auto-deploy rule). `claim` runs in the
   * transaction that creates the deployment, so both commit together or neither does.
   */
  async createForWebhook(
    project: ProjectCtx['project'],
    environment: Environment,
    artifactId: string,
    claim: (tx: Prisma.TransactionClient, deploymentId: string) => Promise<void>,
  ): Promise<DeploymentView> {
    const ctx: ProjectCtx = { actor: { type: 'system', label: 'webhook' }, ip: null, project, role: 'deployer' };
    return this.enqueueNew(ctx, { environment, artifactId, trigger: 'webhook', inTx: claim });
  }

  async rollback(ctx: ProjectCtx, environmentId: string, body: ReleaseActionBody): Promise<DeploymentView> {
    const environment = await this.environmentOf(ctx, environmentId);
    this.assertMayDeploy(ctx, environment, body.confirm);
    const succeeded = await this.prisma.deployment.findMany({
      where: { environmentId, state: 'succeeded' },
      orderBy: { finishedAt: 'desc' },
      select: { artifactId: true },
      take: 50,
    });
    const current = succeeded[0]?.artifactId;
    const previous = succeeded.find((d) => d.artifactId !== current)?.artifactId;
    if (!current || !previous) {
      throw new ConflictException(`environment ${environment.name} has no earlier successful version to roll back to`);
    }
    return this.enqueueNew(ctx, {
      environment,
      artifactId: previous,
      trigger: 'rollback',
      overrides: overridesOf(body),
    });
  }

  async retryFailedTargets(ctx: ProjectCtx, deploymentId: string, body: ReleaseActionBody): Promise<DeploymentView> {
    const original = await this.prisma.deployment.findFirst({
      where: { id: deploymentId, projectId: ctx.project.id },
      include: { targets: true, environment: true },
    });
    if (!original) throw new NotFoundException('deployment not found');
    this.assertMayDeploy(ctx, original.environment, body.confirm);
    if (original.state !== 'failed' && original.state !== 'cancelled') {
      throw new ConflictException(
        `only a failed or cancelled deployment can be retried; this one is ${original.state}`,
      );
    }
    const targetIds = original.targets
      .filter((t) => t.state !== 'succeeded' && t.targetId !== null)
      .map((t) => t.targetId!);
    if (targetIds.length === 0) throw new ConflictException('no failed targets left to retry');
    return this.enqueueNew(ctx, {
      environment: original.environment,
      artifactId: original.artifactId,
      trigger: original.trigger === 'rollback' ? 'rollback' : 'manual',
      targetIds,
      retryOfId: original.id,
      overrides: overridesOf(body),
    });
  }

  async cancel(ctx: ProjectCtx, deploymentId: string): Promise<DeploymentView> {
    const d = await this.prisma.deployment.findFirst({
      where: { id: deploymentId, projectId: ctx.project.id },
      include: { environment: true },
    });
    if (!d) throw new NotFoundException('deployment not found');
    // Stopping a release can break an environment as surely as starting one: same role.
    // No typed name, though: a cancel is often urgent, and it starts nothing new.
    this.assertRoleFor(ctx, d.environment, 'cancelling a release there');
    const by = actorLabel(ctx.actor);
    if (d.state === 'awaiting_approval') {
      this.assertMayWithdraw(ctx, d);
      if (await this.withdrawWaiting(ctx, d.id, d.actorUserId, by)) {
        await this.events.statusChanged(d.id);
        return this.view(d.id);
      }
      // Decided meanwhile: approved (now queued, cancelled below like any queued one),
      // rejected or expired (refused below as already finished).
    }
    // A queued one is cancelled right here; a running one is asked to stop by its worker.
    const fromQueue = await this.prisma.deployment.updateMany({
      where: { id: d.id, state: 'queued' },
      data: {
        state: 'cancelled',
        finishedAt: new Date(),
        cancelRequestedAt: new Date(),
        cancelRequestedBy: by,
        error: `cancelled by ${by}`,
      },
    });
    if (fromQueue.count === 1) {
      await this.prisma.deploymentTarget.updateMany({ where: { deploymentId: d.id }, data: { state: 'cancelled' } });
      await this.audit.record(ctx, {
        action: 'deployment.cancelled',
        subjectType: 'deployment',
        subjectId: d.id,
        projectId: ctx.project.id,
        data: { whileQueued: true },
      });
    } else {
      const running = await this.prisma.deployment.updateMany({
        where: { id: d.id, state: 'running', cancelRequestedAt: null },
        data: { cancelRequestedAt: new Date(), cancelRequestedBy: by },
      });
      if (running.count === 0) {
        const now = await this.prisma.deployment.findUniqueOrThrow({ where: { id: d.id } });
        if (now.state !== 'running') throw new ConflictException(`deployment already ${now.state}`);
      } else {
        await this.audit.record(ctx, {
          action: 'deployment.cancel_requested',
          subjectType: 'deployment',
          subjectId: d.id,
          projectId: ctx.project.id,
        });
      }
      await this.events.cancelRequested(d.id);
    }
    await this.events.statusChanged(d.id);
    return this.view(d.id);
  }

  async view(id: string): Promise<DeploymentView> {
    const d = await loadDeploymentView(this.prisma.pool, id);
    if (!d) throw new NotFoundException('deployment not found');
    return toDeploymentView(d);
  }

  async viewInProject(projectId: string, id: string): Promise<DeploymentView> {
    const d = await loadDeploymentView(this.prisma.pool, id, projectId);
    if (!d) throw new NotFoundException('deployment not found');
    return toDeploymentView(d);
  }

  async list(projectId: string, q: DeploymentListQuery): Promise<Page<DeploymentView>> {
    const rows = await this.prisma.deployment.findMany({
      where: {
        projectId,
        ...(q.environmentId ? { environmentId: q.environmentId } : {}),
        ...(q.state ? { state: q.state } : {}),
        ...(q.trigger ? { trigger: q.trigger } : {}),
        ...(q.version ? { artifact: { version: q.version } } : {}),
        ...(q.cursor
          ? {
              OR: [
                { createdAt: { lt: q.cursor.createdAt } },
                { createdAt: q.cursor.createdAt, id: { lt: q.cursor.id } },
              ],
            }
          : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: q.limit + 1,
      include: deploymentViewInclude,
    });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toDeploymentView),
      nextCursor: rows.length > q.limit && last ? encodeTimeIdCursor(last) : null,
    };
  }

  async environmentStatus(projectId: string): Promise<EnvironmentStatusView[]> {
    const environments = await this.prisma.environment.findMany({
      where: { projectId },
      orderBy: [{ position: 'asc' }, { name: 'asc' }],
    });
    return Promise.all(
      environments.map(async (env) => {
        const [current, active] = await Promise.all([
          this.prisma.deployment.findFirst({
            where: { environmentId: env.id, state: 'succeeded' },
            orderBy: { finishedAt: 'desc' },
            include: { artifact: { select: { version: true } } },
          }),
          this.prisma.deployment.findFirst({
            where: { environmentId: env.id, state: { in: ['queued', 'running'] } },
            orderBy: [{ state: 'desc' }, { createdAt: 'asc' }],
            include: { artifact: { select: { version: true } } },
          }),
        ]);
        return {
          environmentId: env.id,
          environmentName: env.name,
          protected: env.protected,
          current: current
            ? {
                version: current.artifact.version,
                deploymentId: current.id,
                finishedAt: current.finishedAt!.toISOString(),
                actor: current.actorLabel,
              }
            : null,
          active: active ? { deploymentId: active.id, version: active.artifact.version, state: active.state } : null,
        };
      }),
    );
  }

  private async environmentOf(ctx: ProjectCtx, environmentId: string): Promise<Environment> {
    const environment = await this.prisma.environment.findFirst({
      where: { id: environmentId, projectId: ctx.project.id },
    });
    if (!environment) throw new NotFoundException('environment not found');
    return environment;
  }

  /** Protected environments: maintainers only, and the person types the environment's name. */
  private assertMayDeploy(ctx: ProjectCtx, environment: Environment, confirm: string | undefined): void {
    this.assertRoleFor(ctx, environment, 'releasing to it');
    if (!environment.protected) return;
    if (confirm !== environment.name) {
      throw new BadRequestException({
        message: `${environment.name} is protected: type its name to confirm`,
        issues: [{ path: 'confirm', message: `type "${environment.name}" to confirm` }],
      });
    }
  }

  /**
   * A release waiting for approval is its requester's to withdraw; besides them only a
   * maintainer (admins count as maintainers) may, so one deployer cannot drop another's request.
   */
  private assertMayWithdraw(ctx: ProjectCtx, d: { actorUserId: string | null }): void {
    const isRequester = ctx.actor.type === 'user' && d.actorUserId !== null && ctx.actor.id === d.actorUserId;
    if (!isRequester && !roleAtLeast(ctx.role, 'maintainer')) {
      throw new ForbiddenException('only its requester or a maintainer may withdraw a release waiting for approval');
    }
  }

  /**
   * Withdraws a release still waiting for approval: it was never queued and holds no lock, so
   * marking it cancelled (if nobody decided it first) is all it takes; audited in the same
   * transaction. False when it no longer waits.
   */
  private async withdrawWaiting(ctx: ProjectCtx, id: string, requesterId: string | null, by: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const now = new Date();
      const withdrawn = await tx.deployment.updateMany({
        where: { id, state: 'awaiting_approval' },
        data: {
          state: 'cancelled',
          finishedAt: now,
          cancelRequestedAt: now,
          cancelRequestedBy: by,
          error: `withdrawn by ${by}`,
        },
      });
      if (withdrawn.count === 0) return false;
      await tx.deploymentTarget.updateMany({
        where: { deploymentId: id, state: 'pending' },
        data: { state: 'cancelled' },
      });
      const approvals = await tx.deploymentApproval.count({ where: { deploymentId: id, decision: 'approved' } });
      await this.audit.record(
        ctx,
        {
          action: RELEASE_AUDIT_ACTIONS.withdrawn,
          subjectType: 'deployment',
          subjectId: id,
          projectId: ctx.project.id,
          data: {
            by,
            byRequester: ctx.actor.type === 'user' && ctx.actor.id === requesterId,
            approvalsReceived: approvals,
          },
        },
        tx,
      );
      return true;
    });
  }

  /**
   * Every action on a protected environment's deployments (release, retry, rollback, cancel)
   * needs the maintainer role; CI tokens act as deployers, so they never pass.
   */
  private assertRoleFor(ctx: ProjectCtx, environment: Environment, action: string): void {
    if (environment.protected && !roleAtLeast(ctx.role, 'maintainer')) {
      throw new ForbiddenException(`${environment.name} is protected: ${action} needs the maintainer role`);
    }
  }

  private async enqueueNew(ctx: ProjectCtx, n: NewDeployment): Promise<DeploymentView> {
    const targets = await this.prisma.target.findMany({
      where: { environmentId: n.environment.id, ...(n.targetIds ? { id: { in: n.targetIds } } : {}) },
      orderBy: { name: 'asc' },
    });
    if (targets.length === 0) {
      throw new BadRequestException(`environment ${n.environment.name} has no targets; add one before releasing`);
    }
    await assertRollingRestartMayRun(this.prisma, n.environment, targets);
    const artifact = await this.prisma.artifact.findUniqueOrThrow({ where: { id: n.artifactId } });
    // (Invalid stored settings read as their defaults here; the worker reports them, naming the field.)
    const settings = readDeploySettings(n.environment.settings);
    // An SSH rolling restart uploads nothing: only a release needs the tarball.
    if (settings.strategy === 'release' && targets.some((t) => t.kind === 'ssh') && artifact.kind !== 'tarball') {
      throw new BadRequestException(`version ${artifact.version} is an image; SSH targets need a tarball version`);
    }
    // The converse: an image-mode Kubernetes release sets the version's image, so it needs one.
    if (targets.some((t) => t.kind === 'kubernetes') && settings.kubernetes.mode === 'image' && !artifact.imageRef) {
      throw new BadRequestException(
        `version ${artifact.version} is not an image; Kubernetes targets release images (register one with wharf artifact register-image), or set the environment's Kubernetes release mode to restart`,
      );
    }
    const previous = await this.prisma.deployment.findFirst({
      where: { environmentId: n.environment.id, state: 'succeeded' },
      orderBy: { finishedAt: 'desc' },
      select: { artifactId: true },
    });
    const gate = await this.gates.check({
      ctx,
      environment: n.environment,
      artifact,
      trigger: n.trigger,
      overrides: n.overrides ?? {},
      retryOfId: n.retryOfId,
    });
    const awaitingApproval = gate.approvalsRequired > 0;
    const label = actorLabel(ctx.actor);
    const deployment = await this.prisma.$transaction(async (tx) => {
      // Holds the version until this deployment commits, so it cannot be deleted meanwhile.
      await lockLiveArtifactForRelease(tx, artifact.id, artifact.version);
      const d = await tx.deployment.create({
        data: {
          projectId: ctx.project.id,
          environmentId: n.environment.id,
          artifactId: n.artifactId,
          previousArtifactId: previous?.artifactId ?? null,
          trigger: n.trigger,
          actorUserId: ctx.actor.type === 'user' ? ctx.actor.id : null,
          actorLabel: label,
          retryOfId: n.retryOfId ?? null,
          requestKey: n.requestKey ?? null,
          state: awaitingApproval ? 'awaiting_approval' : 'queued',
          approvalsRequired: gate.approvalsRequired,
          approvalExpiresAt: gate.approvalExpiresAt,
          promotionOverrideReason: gate.promotionOverrideReason,
          freezeOverrideReason: gate.freezeOverrideReason,
          targets: { create: targets.map((t) => ({ targetId: t.id, targetName: t.name })) },
        },
      });
      await this.audit.record(
        ctx,
        {
          action: n.trigger === 'rollback' ? 'deployment.rollback_requested' : 'deployment.requested',
          subjectType: 'deployment',
          subjectId: d.id,
          projectId: ctx.project.id,
          data: {
            environment: n.environment.name,
            version: artifact.version,
            trigger: n.trigger,
            retryOf: n.retryOfId ?? null,
            targets: targets.map((t) => t.name),
          },
        },
        tx,
      );
      for (const event of gate.audit) {
        await this.audit.record(
          ctx,
          { ...event, subjectType: 'deployment', subjectId: d.id, projectId: ctx.project.id },
          tx,
        );
      }
      await n.inTx?.(tx, d.id);
      return d;
    });
    // A release waiting for approval is queued by the last approval (ApprovalsService).
    if (!awaitingApproval) await this.enqueueJob(deployment.id);
    await this.events.statusChanged(deployment.id);
    return this.view(deployment.id);
  }

  /** Hands a committed, queued deployment to the workers. */
  async enqueueJob(deploymentId: string): Promise<void> {
    try {
      await this.queue.enqueueDeployment(deploymentId);
    } catch (err) {
      // The row is safe in Postgres; the worker's sweeper re-queues queued deployments.
      this.logger.event(
        'warn',
        'could not queue deployment; the sweeper will retry',
        { deploymentId, error: String(err) },
        'Deployments',
      );
    }
  }
}

function overridesOf(body: ReleaseOverrides): ReleaseOverrides {
  return { promotionOverrideReason: body.promotionOverrideReason, freezeOverrideReason: body.freezeOverrideReason };
}
