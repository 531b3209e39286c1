import type { DeployResult, RunContext } from '../types.js';

/**
 * pending: not reached yet; restarting: the restart call is under way; waiting: restarted,
 * polling its health; healthy: back and passing; failed: restarted but never healthy within
 * the polls; skipped: not restarted (the call was refused or failed, or the rollout stopped);
 * cancelled: the deployment was cancelled before (or while waiting for) it.
 */
export type InstanceState = 'pending' | 'restarting' | 'waiting' | 'healthy' | 'failed' | 'skipped' | 'cancelled';

export interface InstanceUpdate {
  targetId: string;
  /** `<service id>@<address>:<port>` */
  instance: string;
  serviceId: string;
  address: string;
  port: number;
  /** 1-based position in the restart order. */
  position: number;
  state: InstanceState;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Health polls made so far. */
  polls: number;
  /** Safe to show (secrets masked). */
  error?: { code: string; message: string };
}

export type InstanceResult = InstanceUpdate;

export interface RollingRestartResult extends DeployResult {
  instances: InstanceResult[];
}

export interface RollingRestartContext extends RunContext {
  onInstanceUpdate?: (update: InstanceUpdate) => void;
}
