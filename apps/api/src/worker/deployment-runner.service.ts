// Runs one deployment end to end in this worker: claim it, build the plan, stream the log,
// run the executor under a heartbeat, record per-target results, finish exactly once.
import { Inject, Injectable } from '@nestjs/common';
import type { DeployResult, TargetUpdate } from '@wharf/executors';
import type { TargetDetail } from '@wharf/shared';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { AuditService } from '../audit/audit.service.js';
import type { RequestContext } from '../common/request-context.js';
import { JsonLogger } from '../common/json-logger.js';
import { retry } from '../common/retry.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DeploymentEvents } from '../deployments/deployment-events.js';
import { LogSink } from '../live/log-sink.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { RedisService } from '../redis/redis.module.js';
import { CancelListener } from './cancel-listener.service.js';
import { DeploymentClaims, type ClaimResult } from './deployment-claims.service.js';
import { PlanBuilder } from './plan-builder.service.js';

/** At most this long between heartbeats; shorter when the watchdog's timeout is short. */
const MAX_HEARTBEAT_MS = 5_000;

type FinalState = 'succeeded' | 'failed' | 'cancelled';

@Injectable()
export class DeploymentRunner {
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly active = new Map<string, AbortController>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
    private readonly claims: DeploymentClaims,
    private readonly plans: PlanBuilder,
    private readonly events: DeploymentEvents,
    private readonly cancels: CancelListener,
    private readonly audit: AuditService,
    private readonly logger: JsonLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get activeCount(): number {
    return this.active.size;
  }

  /** Stops every running deployment (used when the shutdown grace period runs out). */
  abortAll(reason: string): void {
    for (const c of this.active.values()) c.abort(new Error(reason));
  }

  async run(deploymentId: string): Promise<ClaimResult> {
    const claim = await this.claims.tryClaim(deploymentId, this.workerId);
    if (claim !== 'claimed') return claim;
    await this.events.statusChanged(deploymentId);

    const abort = new AbortController();
    this.active.set(deploymentId, abort);
    const stopWatching = this.cancels.watch(deploymentId, (reason) => abort.abort(new Error(reason)));
    // Several heartbeats fit in one watchdog timeout, so a single slow one never looks like death.
    const heartbeatMs = Math.min(MAX_HEARTBEAT_MS, (this.config.WHARF_HEARTBEAT_TIMEOUT_SECONDS * 1000) / 4);
    const heartbeat = setInterval(() => void this.beat(deploymentId, abort), heartbeatMs);
    const system = {
      actor: { type: 'system' as const, label: `worker:${this.workerId}` },
      ip: null,
    } satisfies RequestContext;

    let sink: LogSink | null = null;
    let state: FinalState = 'failed';
    let error: string | null = null;
    const targetWrites: Promise<void>[] = [];
    // A host's results are written one after another, in the order they happened: each write
    // retries through a database outage, and concurrent retries could land its "running" after
    // its "succeeded" and undo it (found by test/restarts.int.test.ts).
    let lastTargetWrite: Promise<void> = Promise.resolve();
    const writeInOrder = (write: () => Promise<void>) => {
      lastTargetWrite = lastTargetWrite.catch(() => undefined).then(write);
      targetWrites.push(lastTargetWrite);
    };
    let projectId: string | null = null;
    try {
      const built = await this.plans.build(deploymentId);
      projectId = built.projectId;
      sink = await this.openSink(deploymentId, built.secrets);
      const timeout = setTimeout(
        () => abort.abort(new Error(`deployment timed out after ${built.timeoutMinutes} min`)),
        built.timeoutMinutes * 60_000,
      );
      timeout.unref();
      await this.audit.record(system, {
        action: 'deployment.started',
        subjectType: 'deployment',
        subjectId: deploymentId,
        projectId,
        data: { worker: this.workerId },
      });
      sink.write({
        targetId: null,
        stream: 'system',
        text: `${built.strategy === 'ssh-rolling-restart' || built.strategy === 'consul-rolling-restart' ? 'Rolling restart of' : 'Releasing'} ${built.version} to ${built.environmentName}: ${built.targetCount + built.refused.length} target(s), worker ${this.workerId}`,
      });

      for (const r of built.refused) {
        sink.write({ targetId: r.targetId, stream: 'system', text: `refused: ${r.reason}` });
        targetWrites.push(
          this.claims.updateTarget(deploymentId, {
            targetId: r.targetId,
            state: 'failed',
            batch: 0,
            startedAt: null,
            finishedAt: new Date(),
            error: { code: 'refused', message: r.reason },
          }),
        );
      }

      let result: DeployResult | null = null;
      if (built.targetCount > 0 && !(built.refused.length > 0 && built.onFailure === 'stop')) {
        const liveSink = sink;
        result = await built.execute({
          signal: abort.signal,
          log: (line) => liveSink.write(line),
          onTargetUpdate: (u) => {
            if (u.state === 'failed') liveSink.flushTail(u.targetId);
            writeInOrder(() => this.recordTarget(deploymentId, projectId!, u, system));
          },
          onTargetDetail: (targetId, detail) => writeInOrder(() => this.recordDetail(deploymentId, targetId, detail)),
        });
      }
      clearTimeout(timeout);
      ({ state, error } = summarize(result, built.refused.length, abort.signal));
    } catch (err) {
      state = abort.signal.aborted && isCancel(abort.signal) ? 'cancelled' : 'failed';
      error = err instanceof Error ? err.message : String(err);
      this.logger.event('warn', 'deployment errored', { deploymentId, error }, 'DeploymentRunner');
    } finally {
      clearInterval(heartbeat);
      stopWatching();
      this.active.delete(deploymentId);
    }

    await Promise.allSettled(targetWrites);
    await this.persist(deploymentId, 'settling targets', () =>
      this.claims.settleOpenTargets(
        deploymentId,
        state === 'cancelled' ? 'cancelled' : 'skipped',
        state === 'cancelled' ? 'cancelled' : 'not run',
      ),
    );
    sink ??= await this.openSink(deploymentId, []);
    sink.write({ targetId: null, stream: 'system', text: `Deployment ${state}${error ? `: ${error}` : ''}` });
    await sink.close();
    const finished = await this.persist(deploymentId, 'finishing the deployment', () =>
      this.claims.finish(deploymentId, this.workerId, state, error),
    );
    // Live viewers learn the end now; the audit row (a chained transaction) follows.
    await this.events.statusChanged(deploymentId);
    if (finished) {
      await this.persist(deploymentId, 'recording the audit event', () =>
        this.audit.record(system, {
          action: `deployment.${state}`,
          subjectType: 'deployment',
          subjectId: deploymentId,
          projectId,
          data: { error },
        }),
      );
    }
    return 'done';
  }

  private openSink(deploymentId: string, secrets: string[]): Promise<LogSink> {
    return new LogSink({
      deploymentId,
      prisma: this.prisma,
      redis: this.redis.client,
      prefix: this.redis.prefix,
      maxBytes: this.config.WHARF_LOG_MAX_MB * 1024 * 1024,
      secrets,
      logger: this.logger,
    }).open();
  }

  private async recordTarget(
    deploymentId: string,
    projectId: string,
    u: TargetUpdate,
    system: RequestContext,
  ): Promise<void> {
    await this.persist(deploymentId, 'recording a target result', () => this.claims.updateTarget(deploymentId, u));
    if (u.error?.code === 'host_key_mismatch') {
      await this.persist(deploymentId, 'recording the audit event', () =>
        this.audit.record(system, {
          action: 'host_key.rejected',
          subjectType: 'target',
          subjectId: u.targetId,
          projectId,
          data: { deploymentId, error: u.error!.message },
        }),
      );
    }
    await this.events.statusChanged(deploymentId);
  }

  private async recordDetail(deploymentId: string, targetId: string, detail: TargetDetail): Promise<void> {
    await this.persist(deploymentId, 'recording a target detail', () =>
      this.claims.updateTargetDetail(deploymentId, targetId, detail),
    );
    await this.events.statusChanged(deploymentId);
  }

  /** Bookkeeping that must survive a database restart: retried for about two minutes. */
  private persist<T>(deploymentId: string, step: string, fn: () => Promise<T>): Promise<T> {
    return retry(fn, {
      attempts: 30,
      baseMs: 200,
      onRetry: (err, attempt) =>
        this.logger.event(
          'warn',
          'retrying after a database error',
          { deploymentId, step, attempt, error: String(err) },
          'DeploymentRunner',
        ),
    });
  }

  private async beat(deploymentId: string, abort: AbortController): Promise<void> {
    try {
      const hb = await this.claims.heartbeat(deploymentId, this.workerId);
      if (!hb) abort.abort(new Error('this worker no longer owns the deployment (failed by the watchdog)'));
      else if (hb.cancelRequested) abort.abort(new Error('cancel requested'));
    } catch {
      // Postgres briefly unreachable: keep going; the watchdog's timeout is far longer.
    }
  }
}

function isCancel(signal: AbortSignal): boolean {
  return signal.reason instanceof Error && signal.reason.message === 'cancel requested';
}

function summarize(
  result: DeployResult | null,
  refused: number,
  signal: AbortSignal,
): { state: FinalState; error: string | null } {
  if (signal.aborted) {
    const reason = signal.reason instanceof Error ? signal.reason.message : 'aborted';
    return isCancel(signal) ? { state: 'cancelled', error: 'cancelled' } : { state: 'failed', error: reason };
  }
  if (!result) return { state: 'failed', error: refused > 0 ? `${refused} target(s) refused` : 'nothing to deploy' };
  const failed = result.targets.filter((t) => t.state === 'failed');
  if (result.state === 'succeeded' && refused === 0) return { state: 'succeeded', error: null };
  if (result.state === 'cancelled') return { state: 'cancelled', error: 'cancelled' };
  const first = failed[0]?.error?.message;
  return { state: 'failed', error: `${failed.length + refused} target(s) failed${first ? `: ${first}` : ''}` };
}
