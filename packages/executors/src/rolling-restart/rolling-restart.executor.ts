// Rolling restart through Consul: find the live instances of a service, restart them one at
// a time through their guarded restart endpoint, and only move on once the restarted one is
// healthy again (its health endpoint answers 200 and Consul shows it passing under a new
// registration), never leaving fewer than the minimum of healthy instances.
import { setTimeout as sleep } from 'node:timers/promises';
import { CancelledError, ExecutorError } from '../errors.js';
import { createMasker } from '../masking.js';
import type { LogStream, TargetResult } from '../types.js';
import { CheckSchedule } from './check-schedule.js';
import { queryHealth, type HealthAnswer } from './consul-health.js';
import { probeHealth, requestRestart } from './instance-http.js';
import { consulState, instanceUrl, passingKeys, toInstances, type Instance } from './instances.js';
import {
  validateRollingRestartPlan,
  type RollingRestartPlan,
  type ValidConsulRestartTarget,
  type ValidRollingRestartPlan,
} from './rolling-restart.plan.js';
import type {
  InstanceResult,
  InstanceState,
  InstanceUpdate,
  RollingRestartContext,
  RollingRestartResult,
} from './rolling-restart.types.js';

type Emit = (text: string, stream?: LogStream) => void;

export interface RollingRestartExecutor {
  run(plan: RollingRestartPlan, ctx: RollingRestartContext): Promise<RollingRestartResult>;
}

class ServiceNotFoundError extends ExecutorError {
  constructor(service: string, where: string, filtered: boolean) {
    super(
      'service_not_found',
      `Consul lists no instance of ${service}${where}` +
        (filtered ? ' (results were filtered by ACLs: the token may not read this service)' : ''),
    );
  }
}

export function createRollingRestartExecutor(): RollingRestartExecutor {
  async function runTarget(
    plan: ValidRollingRestartPlan,
    t: ValidConsulRestartTarget,
    ctx: RollingRestartContext,
    emit: Emit,
    mask: (s: string) => string,
    results: InstanceResult[],
  ): Promise<TargetResult> {
    const startedAt = new Date();
    const signal = ctx.signal ?? new AbortController().signal;
    ctx.onTargetUpdate?.({ targetId: t.id, batch: 1, state: 'running', startedAt, finishedAt: null });
    const agents = [t.consulUrl, ...t.agents];
    const timeoutMs = plan.settings.requestTimeoutMs;
    const ask = (block?: { index: number; waitMs: number }): Promise<HealthAnswer> =>
      queryHealth({
        agents,
        token: t.aclToken,
        service: t.service,
        tag: t.tag,
        datacenter: t.datacenter,
        timeoutMs,
        signal,
        ...(block ? { block } : {}),
      });
    const finish = (state: TargetResult['state'], error?: { code: string; message: string }): TargetResult => {
      const finishedAt = new Date();
      ctx.onTargetUpdate?.({ targetId: t.id, batch: 1, state, startedAt, finishedAt, ...(error ? { error } : {}) });
      return { targetId: t.id, state, batch: 1, startedAt, finishedAt, ...(error ? { error } : {}) };
    };

    // Discovery: a clear failure before any instance is touched.
    const where = `${t.tag ? ` tagged ${t.tag}` : ''}${t.datacenter ? ` in ${t.datacenter}` : ''}`;
    emit(`asking Consul (${agents.join(', ')}) for the instances of ${t.service}${where}`);
    let instances: Instance[];
    try {
      const found = await ask();
      instances = toInstances(found.entries);
      if (instances.length === 0) throw new ServiceNotFoundError(t.service, where, found.filteredByAcl);
      emit(`${found.agent} lists ${found.entries.length} registration(s), ${instances.length} instance(s):`);
    } catch (err) {
      const e = safeError(err, mask, signal);
      emit(`${e.code === 'cancelled' ? 'cancelled' : 'failed'}: ${e.message}`);
      return finish(e.code === 'cancelled' ? 'cancelled' : 'failed', e);
    }

    const n = instances.length;
    const minHealthy = t.minHealthy ?? n - 1;
    const rows: InstanceResult[] = instances.map((inst, i) => ({
      targetId: t.id,
      instance: inst.key,
      serviceId: inst.id,
      address: inst.address,
      port: inst.port,
      position: i + 1,
      state: 'pending',
      startedAt: null,
      finishedAt: null,
      polls: 0,
    }));
    results.push(...rows);
    const set = (row: InstanceResult, patch: Partial<InstanceUpdate> & { state: InstanceState }): void => {
      Object.assign(row, patch);
      ctx.onInstanceUpdate?.({ ...row });
    };
    for (const [i, inst] of instances.entries()) {
      const dup =
        inst.nodes.length > 1
          ? ` (registered on ${inst.nodes.length} agents: ${inst.nodes.join(', ')}; restarted once)`
          : '';
      emit(`  ${i + 1}. ${inst.id} at ${inst.address}:${inst.port}, ${inst.passing ? 'passing' : 'not passing'}${dup}`);
      ctx.onInstanceUpdate?.({ ...rows[i]! });
    }
    emit(
      `restarting one at a time; at least ${minHealthy} of ${n} must stay healthy; health: ${t.healthPath} every ${t.pollIntervalMs} ms, at most ${t.maxPolls} polls; readiness delay ${t.readinessDelaySeconds} s; on failure: ${plan.settings.onFailure}`,
    );
    if (minHealthy >= n) {
      const e = {
        code: 'min_healthy',
        message: `minHealthy is ${minHealthy} but only ${n} instance(s) exist: none can be restarted`,
      };
      emit(`failed: ${e.message}`);
      for (const row of rows) set(row, { state: 'skipped', error: e });
      return finish('failed', e);
    }

    let stopReason: { code: string; message: string } | null = null;
    for (const [i, inst] of instances.entries()) {
      const row = rows[i]!;
      const tag = `[${inst.id}]`;
      if (signal.aborted) {
        set(row, { state: 'cancelled' });
        continue;
      }
      if (stopReason) {
        set(row, { state: 'skipped', error: stopReason });
        continue;
      }
      try {
        // Never fewer healthy instances than the minimum, counted from Consul right now.
        const now = await ask();
        const passing = passingKeys(now.entries);
        const left = passing.size - (passing.has(inst.key) ? 1 : 0);
        if (left < minHealthy) {
          stopReason = {
            code: 'min_healthy',
            message: `not restarting ${inst.id}: ${passing.size} instance(s) are healthy now, restarting it would leave ${left}, the minimum is ${minHealthy}`,
          };
          emit(`${tag} ${stopReason.message}; stopping`);
          set(row, { state: 'skipped', error: stopReason });
          continue;
        }
        const startedAt = new Date();
        set(row, { state: 'restarting', startedAt });
        const restartUrl = instanceUrl(inst, t.restartPath);
        emit(`${tag} POST ${restartUrl}`);
        const r = await requestRestart(restartUrl, plan.restartSecret, timeoutMs, signal);
        if (!r.ok) {
          const e = { code: 'restart_refused', message: mask(`restart call failed (${r.detail}); instance skipped`) };
          emit(`${tag} ${e.message}`);
          set(row, { state: 'skipped', finishedAt: new Date(), error: e });
          if (plan.settings.onFailure === 'stop')
            stopReason = { code: 'stopped', message: `stopped after ${inst.id} failed` };
          continue;
        }
        emit(`${tag} restart accepted (${mask(r.detail)}); waiting until it is healthy again`);
        set(row, { state: 'waiting' });

        const healthUrl = instanceUrl(inst, t.healthPath);
        const schedule = new CheckSchedule(ask, inst.key, now.index, now.entries, t.pollIntervalMs, signal);
        let healthy = false;
        for (let poll = 1; poll <= t.maxPolls && !healthy; poll++) {
          const next = await schedule.next();
          const h = await probeHealth(healthUrl, timeoutMs, signal);
          let c: 'passing' | 'not_passing' | 'absent' | 'unknown' = 'unknown';
          try {
            c = consulState(next.entries ?? (await ask()).entries, inst.key, now.index);
          } catch (err) {
            if (signal.aborted) throw err;
          }
          schedule.checked();
          healthy = h.ok && c === 'passing';
          const consulText = {
            passing: 'Consul: passing under a new registration',
            not_passing: 'Consul: registered again, check not passing yet',
            absent: 'Consul: no new registration yet',
            unknown: 'Consul: no answer',
          }[c];
          const why = next.reason === 'change' ? ' (Consul reported a change)' : '';
          emit(`${tag} poll ${poll}/${t.maxPolls}${why}: ${healthUrl} ${mask(h.detail)}; ${consulText}`);
          set(row, { state: 'waiting', polls: poll });
        }
        if (!healthy) {
          const e = {
            code: 'health_timeout',
            message: `${inst.id} did not become healthy after ${t.maxPolls} poll(s) every ${t.pollIntervalMs} ms`,
          };
          emit(`${tag} ${e.message}; giving up on it`);
          set(row, { state: 'failed', finishedAt: new Date(), error: e });
          if (plan.settings.onFailure === 'stop')
            stopReason = { code: 'stopped', message: `stopped after ${inst.id} failed` };
          continue;
        }
        set(row, { state: 'healthy', finishedAt: new Date() });
        const isLast = i === instances.length - 1;
        if (isLast) {
          emit(`${tag} healthy again; it was the last one`);
        } else if (t.readinessDelaySeconds > 0) {
          emit(`${tag} healthy again; waiting ${t.readinessDelaySeconds} s for readiness before the next instance`);
          await sleep(t.readinessDelaySeconds * 1000, undefined, { signal });
        } else {
          emit(`${tag} healthy again`);
        }
      } catch (err) {
        const e = safeError(err, mask, signal);
        if (e.code === 'cancelled') {
          // Cancelled during the readiness wait: this one is restarted and healthy; the next waits.
          if (row.state === 'healthy') {
            emit(`${tag} cancelled during the readiness wait; ${inst.id} itself is restarted and healthy`);
            continue;
          }
          const sent = row.state === 'waiting' || row.state === 'restarting';
          emit(`${tag} cancelled${sent ? ' (its restart was already sent; health not confirmed)' : ''}`);
          set(row, { state: 'cancelled', finishedAt: new Date() });
          continue;
        }
        // Consul stopped answering mid-way: nothing more can be checked safely.
        emit(`${tag} ${e.message}; stopping`);
        set(row, { state: row.state === 'pending' ? 'skipped' : 'failed', finishedAt: new Date(), error: e });
        stopReason = e;
      }
    }

    const counts = (s: InstanceState): number => rows.filter((r) => r.state === s).length;
    const summary = `${counts('healthy')} of ${n} restarted and healthy, ${counts('failed')} failed, ${counts('skipped')} skipped, ${counts('cancelled')} cancelled`;
    emit(summary);
    if (signal.aborted) return finish('cancelled', { code: 'cancelled', message: summary });
    if (counts('healthy') === n) return finish('succeeded');
    const first = rows.find((r) => r.error)?.error;
    return finish('failed', {
      code: first?.code ?? 'rolling_restart_failed',
      message: `${summary}${first ? `: ${first.message}` : ''}`,
    });
  }

  return {
    async run(input, ctx) {
      const plan = validateRollingRestartPlan(input);
      const mask = createMasker([plan.restartSecret, ...plan.targets.map((t) => t.aclToken)]);
      const logFor =
        (targetId: string | null): Emit =>
        (text, stream = 'system') =>
          ctx.log({ targetId, stream, text: mask(text) });
      const sys = logFor(null);
      sys(`rolling restart of ${plan.targets.length} Consul target(s) for ${plan.version}`);
      const instances: InstanceResult[] = [];
      const targets: TargetResult[] = [];
      for (const t of plan.targets) {
        const stop = targets.some((r) => r.state === 'failed') && plan.settings.onFailure === 'stop';
        if (ctx.signal?.aborted || stop) {
          const state = ctx.signal?.aborted ? 'cancelled' : 'skipped';
          ctx.onTargetUpdate?.({ targetId: t.id, batch: 1, state, startedAt: null, finishedAt: null });
          targets.push({ targetId: t.id, state, batch: 1, startedAt: null, finishedAt: null });
          continue;
        }
        targets.push(await runTarget(plan, t, ctx, logFor(t.id), mask, instances));
      }
      const state = targets.some((r) => r.state === 'cancelled')
        ? 'cancelled'
        : targets.every((r) => r.state === 'succeeded')
          ? 'succeeded'
          : 'failed';
      sys(`rolling restart ${state}`);
      return { deploymentId: plan.deploymentId, state, targets, instances };
    },
  };
}

function safeError(err: unknown, mask: (s: string) => string, signal: AbortSignal): { code: string; message: string } {
  if (signal.aborted || err instanceof CancelledError) return { code: 'cancelled', message: 'cancelled' };
  if (err instanceof ExecutorError) return { code: err.code, message: mask(err.message) };
  return { code: 'internal', message: mask(err instanceof Error ? err.message : String(err)) };
}
