// Releases a tarball to SSH hosts running pm2, batch by batch, health-gated.
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { rolloutState, toBatches } from './batching.js';
import { posix } from 'node:path';
import {
  confirmOnline,
  planPrune,
  pruneReleases,
  releasePaths,
  reloadPm2,
  runHook,
  switchCurrent,
  type ReleasePaths,
} from './deploy-steps.js';
import { CancelledError, ExecutorError } from './errors.js';
import { goAhead } from './go-ahead.js';
import { healthCommand, runHealthGate } from './health.js';
import { runSlidingWindow } from './sliding-window.js';
import { createMasker } from './masking.js';
import { validatePlan } from './plan.schema.js';
import { activateRelease, inspectAndPrepare, pm2MiniListStatuses } from './release-scripts.js';
import type { ShellCommand } from './shell-quote.js';
import { connectSsh, type SshConnection } from './ssh-connection.js';
import { TargetSession } from './target-session.js';
import type {
  Executor,
  LogStream,
  RunContext,
  SshDeployPlan,
  TargetResult,
  TargetUpdate,
  ValidSshDeployPlan,
  ValidSshTargetPlan,
} from './types.js';

const DEFAULT_CONNECT_MS = 15_000;
const DEFAULT_COMMAND_MS = 10 * 60_000;
const REVERT_BUDGET_MS = 60_000;

export interface SshExecutorOptions {
  /** Replaces the connection factory (e.g. for connection pooling). */
  connect?: typeof connectSsh;
}

type Emit = (stream: LogStream, text: string) => void;

export function createSshExecutor(options: SshExecutorOptions = {}): Executor<SshDeployPlan> {
  const connect = options.connect ?? connectSsh;

  async function runTarget(
    plan: ValidSshDeployPlan,
    t: ValidSshTargetPlan,
    batch: number,
    ctx: RunContext,
    emit: Emit,
    mask: (s: string) => string,
    artifactSize: () => Promise<number>,
  ): Promise<TargetResult> {
    const startedAt = new Date();
    const update = (u: Omit<TargetUpdate, 'targetId' | 'batch'>): void =>
      ctx.onTargetUpdate?.({ targetId: t.id, batch, ...u });
    update({ state: 'running', startedAt, finishedAt: null });

    const settings = plan.settings;
    const signals = [
      ctx.signal,
      settings.timeouts?.targetMs ? AbortSignal.timeout(settings.timeouts.targetMs) : undefined,
    ].filter((x): x is AbortSignal => x !== undefined);
    const signal = signals.length ? AbortSignal.any(signals) : new AbortController().signal;
    const p = releasePaths(t.baseDir, plan.version);
    const rand = randomBytes(6).toString('hex');
    const wharfEnv = (releaseDir: string, version: string): Record<string, string> => ({
      WHARF_APP_NAME: t.appName,
      WHARF_BASE_DIR: p.base,
      WHARF_CURRENT_DIR: p.current,
      WHARF_RELEASE_DIR: releaseDir,
      WHARF_VERSION: version,
      WHARF_DEPLOYMENT_ID: plan.deploymentId,
    });
    // Environment variables, then this target's overrides, then WHARF_* last so no variable
    // can redirect the release.
    const env = {
      ...settings.env,
      ...settings.secretEnv,
      ...t.env,
      ...t.secretEnv,
      ...wharfEnv(p.release, plan.version),
    };

    let conn: SshConnection | null = null;
    let previous: string | null = null;
    let switched = false;
    let reusedRelease = false;
    try {
      emit('system', `connecting to ${t.user}@${t.host}:${t.port} (pinned host key ${t.pinnedHostKey})`);
      conn = await connect({
        host: t.host,
        port: t.port,
        username: t.user,
        privateKey: t.credential.privateKey,
        ...(t.credential.passphrase ? { passphrase: t.credential.passphrase } : {}),
        pinnedHostKey: t.pinnedHostKey,
        connectTimeoutMs: settings.timeouts?.connectMs ?? DEFAULT_CONNECT_MS,
        signal,
      });
      emit('system', `connected, host key verified (${conn.hostKeyFingerprint})`);
      const s = new TargetSession(conn, emit, signal, env, settings.timeouts?.commandMs ?? DEFAULT_COMMAND_MS);

      // With curl on the host, the health gate's first HTTP attempt rides in the activate script.
      const firstProbeCommand = (hasCurl: boolean): ShellCommand | undefined =>
        t.healthCheck.type === 'http' && hasCurl
          ? healthCommand(t.healthCheck, settings.health.timeoutMs, 'curl')
          : undefined;
      // The activate script's remote command opens while the host prepares the release, so its
      // sshd session and shell start off the critical path; it runs only once the prepare
      // succeeded and no cancel came (until then it runs nothing: remote-exec startWhen).
      const activationGo = goAhead();
      const early: { activation?: ReturnType<typeof activateRelease> } = {};
      const openActivation = (hasCurl: boolean): void => {
        const activation = activateRelease(
          s,
          p,
          settings.reload,
          rand,
          () => (switched = true),
          firstProbeCommand(hasCurl),
          activationGo.when,
        );
        activation.catch(() => undefined); // awaited below, or closed unused
        early.activation = activation;
      };
      // One remote command: the host reports what it has and reuses, refuses or uploads and
      // installs the release accordingly (the upload streams; it is read only if needed).
      const facts = await inspectAndPrepare(
        s,
        p,
        {
          upload: posix.join(p.releases, `.upload-${plan.version}-${rand}.tar.gz`),
          tmp: posix.join(p.releases, `.tmp-${plan.version}-${rand}`),
          sha256: plan.artifact.sha256,
          version: plan.version,
          rand,
          installCommand: settings.installCommand,
          preCommand: settings.preCommand,
        },
        { path: plan.artifact.path, size: await artifactSize() },
        (found) => openActivation(found.hasCurl),
      ).catch((err: unknown) => {
        activationGo.go(false);
        throw err;
      });
      s.httpProbeTool = facts.hasCurl ? 'curl' : 'node';
      previous = facts.current;
      reusedRelease = facts.complete;

      if (signal.aborted) {
        activationGo.go(false);
        throw new CancelledError('switch');
      }
      activationGo.go(true);
      const { pm2Output, listing, firstProbe } = await (early.activation ??
        activateRelease(s, p, settings.reload, rand, () => (switched = true), firstProbeCommand(facts.hasCurl)));
      let first = firstProbe;
      const appName = settings.reload.mode === 'reload' ? settings.reload.name : t.appName;
      emit('system', `checking pm2 status of ${appName}`);
      const statuses = pm2MiniListStatuses(pm2Output, appName);
      if (statuses.length > 0 && statuses.every((st) => st === 'online')) {
        emit('system', `pm2 reports ${appName} online (${statuses.length} process${statuses.length > 1 ? 'es' : ''})`);
      } else {
        await confirmOnline(s, appName); // not (yet) online in pm2's own output: ask again
        first = undefined; // probed before pm2 said online: probe again
      }
      // The listing was taken right after the switch; only post-command could change it since.
      // Without one, the prune is decided now and rides the passing health attempt's command.
      const prune =
        !settings.postCommand && listing !== undefined
          ? planPrune(p, settings.keepReleases, p.release, listing)
          : undefined;
      const gate = await runHealthGate(
        s,
        t.healthCheck,
        settings.health,
        p.current,
        first,
        prune?.command ?? undefined,
      );
      emit('system', `${t.name} is serving ${plan.version}`);
      if (settings.postCommand) await runHook(s, 'post-command', p.current, settings.postCommand, {});
      if (prune && (gate.onPassDone || prune.command === null)) {
        for (const note of prune.notes) emit('system', note);
      } else {
        await pruneReleases(s, p, settings.keepReleases, p.release, settings.postCommand ? undefined : listing);
      }

      const finishedAt = new Date();
      update({ state: 'succeeded', startedAt, finishedAt });
      return { targetId: t.id, state: 'succeeded', batch, startedAt, finishedAt, reusedRelease };
    } catch (err) {
      const cancelled = ctx.signal?.aborted === true;
      const e = toSafeError(err, mask, signal, settings.timeouts?.targetMs);
      emit('system', `${cancelled ? 'cancelled' : 'failed'}: ${e.message}`);
      if (switched && conn && !conn.closed) await revert(conn, t, p, previous, env, wharfEnv, settings, emit, rand);
      const finishedAt = new Date();
      const state = cancelled ? 'cancelled' : 'failed';
      update({ state, startedAt, finishedAt, error: e });
      return { targetId: t.id, state, batch, startedAt, finishedAt, error: e, reusedRelease };
    } finally {
      conn?.close();
    }
  }

  /** Points `current` back at the previous release and reloads, so the host keeps serving it. */
  async function revert(
    conn: SshConnection,
    t: ValidSshTargetPlan,
    p: ReleasePaths,
    previous: string | null,
    env: Record<string, string>,
    wharfEnv: (dir: string, version: string) => Record<string, string>,
    settings: ValidSshDeployPlan['settings'],
    emit: Emit,
    rand: string,
  ): Promise<void> {
    if (!previous || previous === p.release) {
      emit('system', 'no previous release to switch back to; leaving the host as it is');
      return;
    }
    const budget = AbortSignal.timeout(REVERT_BUDGET_MS);
    const prevVersion = previous.split('/').pop() ?? previous;
    const s = new TargetSession(conn, emit, budget, { ...env, ...wharfEnv(previous, prevVersion) }, REVERT_BUDGET_MS);
    try {
      emit('system', `reverting to the previous release ${previous}`);
      await switchCurrent(s, p, previous, `${rand}-revert`);
      await reloadPm2(s, p, settings.reload);
      const appName = settings.reload.mode === 'reload' ? settings.reload.name : t.appName;
      await confirmOnline(s, appName);
      await runHealthGate(s, t.healthCheck, settings.health, p.current);
      emit('system', `reverted to ${prevVersion}; it is healthy again`);
    } catch (err) {
      emit('system', `revert failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  return {
    async run(input: SshDeployPlan, ctx) {
      const plan = validatePlan(input);
      const mask = createMasker([
        ...plan.targets.flatMap((t) => [t.credential.privateKey, t.credential.passphrase]),
        ...Object.values(plan.settings.secretEnv),
        ...plan.targets.flatMap((t) => Object.values(t.secretEnv)),
      ]);
      const logFor =
        (targetId: string | null): Emit =>
        (stream, text) =>
          ctx.log({ targetId, stream, text: mask(text) });
      const sys = logFor(null);

      let size: Promise<number> | undefined;
      // Read once, when the first host needs it; a missing file fails that host's prepare.
      const artifactSize = (): Promise<number> =>
        (size ??= stat(plan.artifact.path).then(
          (st) => st.size,
          (e: Error) => Promise.reject(new ExecutorError('upload_failed', `cannot read the artifact: ${e.message}`)),
        ));
      const batches = toBatches(plan.targets, plan.settings.batchSize);
      const window = Math.max(1, plan.settings.parallelism);
      sys(
        'system',
        `deploying ${plan.version} to ${plan.targets.length} target(s) in ${batches.length} batch(es), up to ${window} at once; on failure: ${plan.settings.onFailure}`,
      );
      const results: TargetResult[] = [];
      let stopped = false;
      const notStarted = (t: ValidSshTargetPlan, n: number, why: string): void => {
        const state = ctx.signal?.aborted ? 'cancelled' : 'skipped';
        logFor(t.id)('system', state === 'skipped' ? `skipped: ${why}` : 'cancelled before start');
        ctx.onTargetUpdate?.({ targetId: t.id, batch: n, state, startedAt: null, finishedAt: null });
        results.push({ targetId: t.id, state, batch: n, startedAt: null, finishedAt: null });
      };
      for (let i = 0; i < batches.length; i++) {
        const batch = batches[i]!;
        const n = i + 1;
        if (ctx.signal?.aborted || stopped) {
          for (const t of batch) notStarted(t, n, 'an earlier batch failed');
          continue;
        }
        sys('system', `batch ${n}/${batches.length}: ${batch.map((t) => t.name).join(', ')}`);
        // Within a batch, a sliding window: a host starts as soon as one finishes. Under
        // `stop`, the first failed host keeps any further host from starting.
        const batchResults = await runSlidingWindow(
          batch,
          window,
          async (t) => {
            const r = await runTarget(plan, t, n, ctx, logFor(t.id), mask, artifactSize);
            if (r.state === 'failed' && plan.settings.onFailure === 'stop') stopped = true;
            return r;
          },
          () => !stopped && !ctx.signal?.aborted,
        );
        batchResults.forEach((r, k) => (r ? results.push(r) : notStarted(batch[k]!, n, 'a host in this batch failed')));
        const failed = batchResults.filter((r) => r?.state === 'failed');
        if (failed.length && plan.settings.onFailure === 'stop') {
          stopped = true;
          sys('system', `batch ${n} failed on ${failed.length} target(s); stopping the rollout`);
        } else {
          sys('system', `batch ${n}/${batches.length} done`);
        }
      }
      const state = rolloutState(results);
      sys('system', `deployment ${state}`);
      return { deploymentId: plan.deploymentId, state, targets: results };
    },
  };
}

function toSafeError(
  err: unknown,
  mask: (s: string) => string,
  signal: AbortSignal,
  targetMs: number | undefined,
): { code: string; message: string } {
  if (
    err instanceof CancelledError &&
    signal.aborted &&
    signal.reason instanceof DOMException &&
    signal.reason.name === 'TimeoutError'
  ) {
    return { code: 'target_timeout', message: `target did not finish within ${targetMs ?? 0} ms` };
  }
  if (err instanceof ExecutorError) return { code: err.code, message: mask(err.message) };
  const msg = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: mask(msg) };
}
