// Releases an image to Kubernetes workloads, batch by batch: per workload, record the
// container's current image, patch it (or restart the pods in restart mode), follow the
// rollout the way `kubectl rollout status` does, and on failure, deadline or cancel put
// the recorded image back and follow that rollout too. Only the named workloads are ever
// changed; everything else is read.
import { imageRepositoryOf, imageToDeploy } from '@wharf/shared';
import { rolloutState, toBatches } from '../batching.js';
import { ExecutorError } from '../errors.js';
import { createMasker } from '../masking.js';
import type { LogStream, RunContext, TargetFinalState, TargetResult } from '../types.js';
import { kubeConfigFor, secretsOf } from './cluster-access.js';
import {
  validateKubernetesPlan,
  type KubernetesReleasePlan,
  type KubernetesTargetPlan,
  type ValidKubernetesReleasePlan,
} from './kubernetes-plan.schema.js';
import { KubeApiError, toKubeApiError } from './kube-api-error.js';
import { ReleaseWatches, type NamespaceWatches } from './release-watches.js';
import { RolloutDetail } from './rollout-detail.js';
import type { Emit } from './rollout-reporter.js';
import { RolloutWatch, type RolloutOutcome } from './rollout-watcher.js';
import { WorkloadClient } from './workload-client.js';
import { refLabel, type WorkloadObject } from './workload-types.js';

/** The pod-template annotation `kubectl rollout restart` sets. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

export interface KubernetesTargetResult extends TargetResult {
  /** The container's image before the release: what a failure puts back. */
  previousImage: string | null;
  /** What the release set (restart mode: the image it restarted). */
  image: string | null;
  /** Present when a failure, deadline or cancel put the previous state back. */
  restore?: { state: 'succeeded' | 'failed'; message: string };
}

export interface KubernetesReleaseResult {
  deploymentId: string;
  state: 'succeeded' | 'failed' | 'cancelled';
  targets: KubernetesTargetResult[];
}

/** What the patch changed, so it can be undone. */
type Change =
  | { mode: 'image'; index: number; from: string; to: string }
  | { mode: 'restart'; from: string | null; to: string; image: string };

function containerIndex(w: WorkloadObject, name: string): number {
  return (w.spec?.template?.spec?.containers ?? []).findIndex((c) => c.name === name);
}

/** Applies the change, or (undo) its reverse. Image changes are guarded by JSON patch `test` ops. */
async function applyChange(client: WorkloadClient, c: Change, undo: boolean): Promise<WorkloadObject> {
  if (c.mode === 'image') {
    const path = `/spec/template/spec/containers/${c.index}`;
    const [from, to] = undo ? [c.to, c.from] : [c.from, c.to];
    return client.patch(
      [
        { op: 'test', path: `${path}/image`, value: from },
        { op: 'replace', path: `${path}/image`, value: to },
      ],
      'json',
      undo ? 'restoring the previous image' : 'setting the image',
    );
  }
  const value = undo ? c.from : c.to;
  return client.patch(
    { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: value } } } } },
    'strategic',
    undo ? 'restoring the previous pod template' : 'restarting the pods',
  );
}

function describeChange(c: Change, undo: boolean): string {
  if (c.mode === 'image') return undo ? `image ${c.to} → ${c.from}` : `image ${c.from} → ${c.to}`;
  return undo
    ? `pod template annotation ${RESTARTED_AT} back to ${c.from ?? '(none)'}`
    : `${RESTARTED_AT}=${c.to} (restart, image ${c.image})`;
}

async function releaseTarget(
  plan: ValidKubernetesReleasePlan,
  t: KubernetesTargetPlan,
  batch: number,
  ctx: RunContext,
  emit: Emit,
  watches: ReleaseWatches,
): Promise<KubernetesTargetResult> {
  const startedAt = new Date();
  ctx.onTargetUpdate?.({ targetId: t.id, batch, state: 'running', startedAt, finishedAt: null });
  const settings = plan.settings.kubernetes;
  const timeoutMs = settings.rolloutTimeoutSeconds * 1000;
  // One connection pool and one set of watches per credential and namespace, for the release.
  const { key: clusterKey, kc } = watches.cluster(t.cluster, () => kubeConfigFor(t.cluster));
  const shared = watches.namespace(clusterKey, t.workload.namespace);
  const onRetry = (err: KubeApiError, attempt: number, delay: number) =>
    emit('system', `${err.message}; retry ${attempt} in ${delay} ms`);
  const client = new WorkloadClient(kc, t.workload, { signal: ctx.signal, onRetry });
  // Writes are never abandoned half-way: a patch that reached the server must be known, so
  // it can be undone; and a restore runs after a cancel too. Their calls ignore the signal.
  const writer = new WorkloadClient(kc, t.workload, { onRetry });
  const label = client.label;
  const onDetail = ctx.onTargetDetail;
  const detail = onDetail
    ? new RolloutDetail(t.workload.kind, `${t.workload.kind}/${t.workload.name} in ${t.workload.namespace}`, (d) =>
        onDetail(t.id, d),
      )
    : undefined;
  let previousImage: string | null = null;
  let image: string | null = null;
  let change: Change | undefined;

  const result = (
    state: TargetFinalState,
    error?: { code: string; message: string },
    restore?: KubernetesTargetResult['restore'],
  ) => {
    const finishedAt = new Date();
    if (restore) detail?.restore(restore);
    // The final detail always goes out, before the target's final state.
    detail?.close();
    ctx.onTargetUpdate?.({ targetId: t.id, batch, state, startedAt, finishedAt, ...(error ? { error } : {}) });
    return {
      targetId: t.id,
      state,
      batch,
      startedAt,
      finishedAt,
      previousImage,
      image,
      ...(error ? { error } : {}),
      ...(restore ? { restore } : {}),
    };
  };

  let watch: RolloutWatch | undefined;
  try {
    const current = await client.read();
    const index = containerIndex(current, t.workload.container);
    const containers = current.spec?.template?.spec?.containers ?? [];
    if (index < 0) {
      throw new ExecutorError(
        'container_not_found',
        `${label} has no container "${t.workload.container}" (it has: ${containers.map((c) => c.name).join(', ') || 'none'})`,
      );
    }
    previousImage = containers[index]!.image ?? null;
    detail?.begin(previousImage, current);
    if (settings.mode === 'image') {
      image = imageToDeploy(plan.image!);
      if (t.workload.imageRepository && imageRepositoryOf(image) !== t.workload.imageRepository) {
        throw new ExecutorError(
          'image_not_allowed',
          `image ${image} is not from ${t.workload.imageRepository}, the only repository this target releases`,
        );
      }
      emit('system', `${label}, container ${t.workload.container}: ${previousImage ?? '(no image)'} → ${image}`);
      if (previousImage !== image) change = { mode: 'image', index, from: previousImage ?? '', to: image };
      else emit('system', `${label} already runs ${image}; checking that its rollout is complete`);
    } else {
      image = previousImage;
      const from = current.spec?.template?.metadata?.annotations?.[RESTARTED_AT] ?? null;
      change = { mode: 'restart', from, to: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), image: image ?? '' };
      emit('system', `${label}, container ${t.workload.container}: restarting pods of ${image ?? '(no image)'}`);
    }

    detail?.images(previousImage, image);
    watch = new RolloutWatch(client, current, shared, emit, detail);
    await watch.prepare();
    let generation = current.metadata?.generation ?? 0;
    let latest = current;
    if (change) {
      if (ctx.signal?.aborted) throw new ExecutorError('cancelled', 'cancelled before the workload was changed');
      const patched = await applyChange(writer, change, false);
      generation = patched.metadata?.generation ?? generation;
      latest = patched;
      emit(
        'system',
        `patched ${label}: ${describeChange(change, false)} (generation ${generation}); following the rollout (deadline ${settings.rolloutTimeoutSeconds} s)`,
      );
    }
    const outcome = await watch.follow({ minGeneration: generation, timeoutMs, signal: ctx.signal, from: latest });
    watch = undefined;
    if (outcome.kind === 'done') {
      emit('system', outcome.message);
      // Done counts only if what rolled out is still ours: someone may have changed it since.
      const other = change ? foreignChange(change, outcome.workload, t.workload.container) : undefined;
      if (other) {
        emit('system', `failed: ${other}`);
        return result('failed', { code: 'changed_by_someone_else', message: other });
      }
      return result('succeeded');
    }
    emit('system', `${outcomeWord(outcome)}: ${outcome.message}`);
    const restore = change ? await restoreChange(writer, change, current, shared, timeoutMs, emit, detail) : undefined;
    const state: TargetFinalState = outcome.kind === 'cancelled' ? 'cancelled' : 'failed';
    return result(state, { code: outcomeCode(outcome), message: withRestore(outcome.message, restore) }, restore);
  } catch (err) {
    await watch?.stop();
    const cancelled = ctx.signal?.aborted === true;
    const e =
      err instanceof ExecutorError && !(err instanceof KubeApiError)
        ? { code: cancelled ? 'cancelled' : err.code, message: err.message }
        : (() => {
            const k = toKubeApiError(err, label);
            return { code: cancelled ? 'cancelled' : k.code, message: k.message };
          })();
    emit('system', `${cancelled ? 'cancelled' : 'failed'}: ${e.message}`);
    return result(cancelled ? 'cancelled' : 'failed', e);
  }
}

/** Why the rolled-out workload is not the release's change any more, or undefined if it is. */
function foreignChange(c: Change, w: WorkloadObject, container: string): string | undefined {
  if (c.mode === 'image') {
    const now = w.spec?.template?.spec?.containers?.find((x) => x.name === container)?.image;
    return now === c.to
      ? undefined
      : `the container's image was changed to ${now ?? '(none)'} by someone else during the rollout; Wharf left it as it is`;
  }
  const now = w.spec?.template?.metadata?.annotations?.[RESTARTED_AT];
  return now === c.to
    ? undefined
    : `the pod template was changed by someone else during the restart; Wharf left it as it is`;
}

function outcomeWord(o: RolloutOutcome): string {
  return o.kind === 'timeout' ? 'deadline passed' : o.kind === 'cancelled' ? 'cancelled' : 'rollout failed';
}

function outcomeCode(o: Exclude<RolloutOutcome, { kind: 'done' }>): string {
  if (o.kind === 'failed') return o.code;
  return o.kind === 'timeout' ? 'rollout_timeout' : 'cancelled';
}

function withRestore(message: string, restore: KubernetesTargetResult['restore']): string {
  return restore ? `${message}; ${restore.message}` : message;
}

/**
 * Puts back what the release changed and follows that rollout (with its own deadline; a
 * cancel does not stop it: leaving a half-restored workload would be worse). If someone
 * else changed the container meanwhile, their change is left alone.
 */
async function restoreChange(
  client: WorkloadClient,
  change: Change,
  before: WorkloadObject,
  shared: NamespaceWatches,
  timeoutMs: number,
  emit: Emit,
  detail?: RolloutDetail,
): Promise<KubernetesTargetResult['restore']> {
  const what = describeChange(change, true);
  emit('system', `restoring ${client.label}: ${what}`);
  // The page shows the restore's own rollout from here on (its replicas and pods).
  detail?.restoreStarted(change.mode === 'image' ? change.from : null);
  const watch = new RolloutWatch(client, before, shared, emit, detail);
  try {
    await watch.prepare();
    let patched: WorkloadObject;
    try {
      patched = await applyChange(client, change, true);
    } catch (err) {
      const e = toKubeApiError(err, `restoring ${client.label}`);
      if (e.code === 'invalid' && change.mode === 'image') {
        const now = await client.read();
        const img = now.spec?.template?.spec?.containers?.[change.index]?.image;
        if (img !== change.to) {
          await watch.stop();
          const message = `previous image not restored: the container's image was changed to ${img ?? '(none)'} by someone else meanwhile`;
          emit('system', message);
          return { state: 'failed', message };
        }
      }
      throw e;
    }
    const generation = patched.metadata?.generation ?? 0;
    const outcome = await watch.follow({ minGeneration: generation, timeoutMs, from: patched });
    if (outcome.kind === 'done') {
      const message = `${change.mode === 'image' ? `previous image ${change.from}` : 'previous pod template'} restored and rolled out`;
      emit('system', `${message} (${outcome.message})`);
      return { state: 'succeeded', message };
    }
    const message = `restoring the previous ${change.mode === 'image' ? `image ${change.from}` : 'pod template'} did not finish: ${outcome.message}`;
    emit('system', message);
    return { state: 'failed', message };
  } catch (err) {
    await watch.stop();
    const message = `restoring the previous state failed: ${toKubeApiError(err, client.label).message}`;
    emit('system', message);
    return { state: 'failed', message };
  }
}

/** Runs a Kubernetes release plan. Never throws for a target's failure: it is in the result. */
export async function runKubernetesRelease(
  input: KubernetesReleasePlan,
  ctx: RunContext,
): Promise<KubernetesReleaseResult> {
  const plan = validateKubernetesPlan(input);
  const mask = createMasker(plan.targets.flatMap((t) => secretsOf(t.cluster)));
  const emitFor =
    (targetId: string | null): Emit =>
    (stream: LogStream, text: string) =>
      ctx.log({ targetId, stream, text: mask(text) });
  const sys = emitFor(null);
  const batches = toBatches(plan.targets, plan.settings.batchSize);
  const mode = plan.settings.kubernetes.mode;
  sys(
    'system',
    `${mode === 'image' ? `releasing ${plan.version} (${imageToDeploy(plan.image!)})` : `restarting for ${plan.version}`} to ${plan.targets.length} workload(s) in ${batches.length} batch(es); on failure: ${plan.settings.onFailure}`,
  );
  const results: KubernetesTargetResult[] = [];
  let stopped = false;
  const watches = new ReleaseWatches();
  try {
    await runBatches();
  } finally {
    watches.stop();
  }
  const state = rolloutState(results);
  sys('system', `deployment ${state}`);
  return { deploymentId: plan.deploymentId, state, targets: results };

  async function runBatches(): Promise<void> {
    for (let i = 0; i < batches.length; i++) {
      const batch = batches[i]!;
      const n = i + 1;
      if (ctx.signal?.aborted || stopped) {
        const state = ctx.signal?.aborted ? 'cancelled' : 'skipped';
        for (const t of batch) {
          emitFor(t.id)('system', state === 'skipped' ? 'skipped: an earlier batch failed' : 'cancelled before start');
          ctx.onTargetUpdate?.({ targetId: t.id, batch: n, state, startedAt: null, finishedAt: null });
          results.push({
            targetId: t.id,
            state,
            batch: n,
            startedAt: null,
            finishedAt: null,
            previousImage: null,
            image: null,
          });
        }
        continue;
      }
      sys(
        'system',
        `batch ${n}/${batches.length}: ${batch.map((t) => `${t.name} (${refLabel(t.workload)} in ${t.workload.namespace})`).join(', ')}`,
      );
      const batchResults = await Promise.all(batch.map((t) => releaseTarget(plan, t, n, ctx, emitFor(t.id), watches)));
      results.push(...batchResults);
      const failed = batchResults.filter((r) => r.state === 'failed');
      if (failed.length && plan.settings.onFailure === 'stop') {
        stopped = true;
        sys('system', `batch ${n} failed on ${failed.length} workload(s); stopping the rollout`);
      } else {
        sys('system', `batch ${n}/${batches.length} done`);
      }
    }
  }
}
