// The rolling-restart strategy for SSH targets, for teams without Consul: `pm2 reload` one
// host at a time, each gated by the target's health check before the next host is touched.
import { consulTargetConfigSchema, versionSchema } from '@wharf/shared';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { confirmOnline, releasePaths, reloadPm2 } from '../deploy-steps.js';
import { ExecutorError, PlanValidationError } from '../errors.js';
import { runHealthGate } from '../health.js';
import { createMasker } from '../masking.js';
import { sshDeploySettingsSchema, sshTargetPlanSchema } from '../plan.schema.js';
import { connectSsh, type SshConnection } from '../ssh-connection.js';
import { TargetSession } from '../target-session.js';
import type { DeployResult, RunContext, TargetResult } from '../types.js';

const DEFAULT_CONNECT_MS = 15_000;
const DEFAULT_COMMAND_MS = 2 * 60_000;

export const sshRollingRestartPlanSchema = z.object({
  deploymentId: z.string().min(1),
  /** The version the hosts serve now (the restart does not change it). */
  version: versionSchema,
  targets: z
    .array(sshTargetPlanSchema)
    .min(1)
    .refine((ts) => new Set(ts.map((t) => t.id)).size === ts.length, 'target ids must be unique'),
  settings: sshDeploySettingsSchema.pick({ health: true, onFailure: true, timeouts: true }).extend({
    env: sshDeploySettingsSchema.shape.env.default({}),
    secretEnv: sshDeploySettingsSchema.shape.secretEnv.default({}),
    readinessDelaySeconds: consulTargetConfigSchema.shape.readinessDelaySeconds,
  }),
});

export type SshRollingRestartPlan = z.input<typeof sshRollingRestartPlanSchema>;
type ValidPlan = z.output<typeof sshRollingRestartPlanSchema>;

export interface SshRollingRestartExecutor {
  run(plan: SshRollingRestartPlan, ctx: RunContext): Promise<DeployResult>;
}

export function createSshRollingRestartExecutor(
  options: { connect?: typeof connectSsh } = {},
): SshRollingRestartExecutor {
  const connect = options.connect ?? connectSsh;

  async function restartHost(
    plan: ValidPlan,
    t: ValidPlan['targets'][number],
    position: number,
    isLast: boolean,
    ctx: RunContext,
    mask: (s: string) => string,
  ): Promise<TargetResult> {
    const emit = (stream: 'stdout' | 'stderr' | 'system', text: string): void =>
      ctx.log({ targetId: t.id, stream, text: mask(text) });
    const startedAt = new Date();
    ctx.onTargetUpdate?.({ targetId: t.id, batch: position, state: 'running', startedAt, finishedAt: null });
    const signal = ctx.signal ?? new AbortController().signal;
    const p = releasePaths(t.baseDir, plan.version);
    const s = plan.settings;
    const env = {
      ...s.env,
      ...s.secretEnv,
      ...t.env,
      ...t.secretEnv,
      WHARF_APP_NAME: t.appName,
      WHARF_BASE_DIR: p.base,
      WHARF_CURRENT_DIR: p.current,
      WHARF_VERSION: plan.version,
      WHARF_DEPLOYMENT_ID: plan.deploymentId,
    };
    let conn: SshConnection | null = null;
    const done = (state: TargetResult['state'], error?: { code: string; message: string }): TargetResult => {
      const finishedAt = new Date();
      ctx.onTargetUpdate?.({
        targetId: t.id,
        batch: position,
        state,
        startedAt,
        finishedAt,
        ...(error ? { error } : {}),
      });
      return { targetId: t.id, state, batch: position, startedAt, finishedAt, ...(error ? { error } : {}) };
    };
    try {
      emit('system', `connecting to ${t.user}@${t.host}:${t.port} (pinned host key ${t.pinnedHostKey})`);
      conn = await connect({
        host: t.host,
        port: t.port,
        username: t.user,
        privateKey: t.credential.privateKey,
        ...(t.credential.passphrase ? { passphrase: t.credential.passphrase } : {}),
        pinnedHostKey: t.pinnedHostKey,
        connectTimeoutMs: s.timeouts?.connectMs ?? DEFAULT_CONNECT_MS,
        signal,
      });
      const session = new TargetSession(conn, emit, signal, env, s.timeouts?.commandMs ?? DEFAULT_COMMAND_MS);
      await reloadPm2(session, p, { mode: 'reload', name: t.appName });
      await confirmOnline(session, t.appName);
      await runHealthGate(session, t.healthCheck, s.health, p.current);
      if (isLast) {
        emit('system', `${t.name} is healthy again; it was the last host`);
      } else if (s.readinessDelaySeconds > 0) {
        emit('system', `${t.name} is healthy again; waiting ${s.readinessDelaySeconds} s before the next host`);
        // A cancel during the wait stops the run before the next host; this one is reloaded and healthy.
        const waited = await sleep(s.readinessDelaySeconds * 1000, undefined, { signal }).then(
          () => true,
          () => false,
        );
        if (!waited) emit('system', `cancelled during the readiness wait; ${t.name} itself is reloaded and healthy`);
      } else {
        emit('system', `${t.name} is healthy again`);
      }
      return done('succeeded');
    } catch (err) {
      const cancelled = signal.aborted;
      const e =
        err instanceof ExecutorError
          ? { code: err.code, message: mask(err.message) }
          : { code: 'internal', message: mask(err instanceof Error ? err.message : String(err)) };
      emit('system', `${cancelled ? 'cancelled' : 'failed'}: ${e.message}`);
      return done(cancelled ? 'cancelled' : 'failed', e);
    } finally {
      conn?.close();
    }
  }

  return {
    async run(input, ctx) {
      const r = sshRollingRestartPlanSchema.safeParse(input);
      if (!r.success) {
        throw new PlanValidationError(r.error.issues.map((i) => `${i.path.join('.') || '(plan)'}: ${i.message}`));
      }
      const plan = r.data;
      const mask = createMasker([
        ...plan.targets.flatMap((t) => [t.credential.privateKey, t.credential.passphrase]),
        ...Object.values(plan.settings.secretEnv),
        ...plan.targets.flatMap((t) => Object.values(t.secretEnv)),
      ]);
      const sys = (text: string): void => ctx.log({ targetId: null, stream: 'system', text: mask(text) });
      sys(
        `rolling restart (pm2 reload) of ${plan.targets.length} host(s), one at a time, health-gated; on failure: ${plan.settings.onFailure}`,
      );
      const results: TargetResult[] = [];
      let stopped = false;
      for (const [i, t] of plan.targets.entries()) {
        const position = i + 1;
        if (ctx.signal?.aborted || stopped) {
          const state = ctx.signal?.aborted ? 'cancelled' : 'skipped';
          ctx.log({
            targetId: t.id,
            stream: 'system',
            text: state === 'skipped' ? 'skipped: an earlier host failed' : 'cancelled before start',
          });
          ctx.onTargetUpdate?.({ targetId: t.id, batch: position, state, startedAt: null, finishedAt: null });
          results.push({ targetId: t.id, state, batch: position, startedAt: null, finishedAt: null });
          continue;
        }
        const res = await restartHost(plan, t, position, i === plan.targets.length - 1, ctx, mask);
        results.push(res);
        if (res.state === 'failed' && plan.settings.onFailure === 'stop') {
          stopped = true;
          sys(`${t.name} failed; stopping the rolling restart`);
        }
      }
      const state = results.some((x) => x.state === 'cancelled')
        ? 'cancelled'
        : results.every((x) => x.state === 'succeeded')
          ? 'succeeded'
          : 'failed';
      sys(`rolling restart ${state}`);
      return { deploymentId: plan.deploymentId, state, targets: results };
    },
  };
}
