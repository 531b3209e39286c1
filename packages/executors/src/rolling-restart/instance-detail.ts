// A Consul rolling restart's instance updates, gathered into each target's detail for the
// deployment page. Updates made in one synchronous burst (every instance found is reported
// pending, one update each) become one detail: the page never shows 1 of N instances found.
// An update after an await (restarting, each poll, the final state) is a detail of its own.
import type { RestartInstanceView, RollingRestartTargetDetail } from '@wharf/shared';
import type { RunContext } from '../types.js';
import type { InstanceUpdate, RollingRestartContext } from './rolling-restart.types.js';

function toView(u: InstanceUpdate): RestartInstanceView {
  return {
    instance: u.instance,
    position: u.position,
    state: u.state,
    startedAt: u.startedAt?.toISOString() ?? null,
    finishedAt: u.finishedAt?.toISOString() ?? null,
    polls: u.polls,
    error: u.error?.message ?? null,
  };
}

/** `ctx` plus an `onInstanceUpdate` that writes the instances through `ctx.onTargetDetail`. */
export function withInstanceDetail(ctx: RunContext): RollingRestartContext {
  const byTarget = new Map<string, Map<string, RestartInstanceView>>();
  const dirty = new Set<string>();
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    for (const targetId of dirty) {
      const instances = [...(byTarget.get(targetId)?.values() ?? [])].sort((a, b) => a.position - b.position);
      const detail: RollingRestartTargetDetail = { kind: 'rolling-restart', instances };
      ctx.onTargetDetail?.(targetId, detail);
    }
    dirty.clear();
  };

  return {
    ...ctx,
    // A target's final state goes out after the instance states that led to it.
    onTargetUpdate: (u) => {
      flush();
      ctx.onTargetUpdate?.(u);
    },
    onInstanceUpdate: (u) => {
      const instances = byTarget.get(u.targetId) ?? new Map<string, RestartInstanceView>();
      byTarget.set(u.targetId, instances);
      instances.set(u.instance, toView(u));
      dirty.add(u.targetId);
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    },
  };
}
