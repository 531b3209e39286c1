// The executor contract: a plan in, log lines and per-target results out. No DB, no queue.
// Plan types are inferred from plan.schema.ts, which composes the shared schemas.
import type { HealthCheck, HealthGateSettings, ReloadSettings, TargetDetail } from '@wharf/shared';
import type { z } from 'zod';
import type { sshDeployPlanSchema, sshDeploySettingsSchema, sshTargetPlanSchema } from './plan.schema.js';

/** What callers pass; fields with a default in the shared schemas may be left out. */
export type SshDeployPlan = z.input<typeof sshDeployPlanSchema>;
export type SshTargetPlan = z.input<typeof sshTargetPlanSchema>;
export type SshDeploySettings = z.input<typeof sshDeploySettingsSchema>;

/** A plan after validatePlan: every default filled in. The steps work with these. */
export type ValidSshDeployPlan = z.output<typeof sshDeployPlanSchema>;
export type ValidSshTargetPlan = z.output<typeof sshTargetPlanSchema>;
export type ValidSshDeploySettings = z.output<typeof sshDeploySettingsSchema>;

export type { HealthCheck, ReloadSettings };
export type HealthSettings = HealthGateSettings;

export interface SshCredential {
  privateKey: string;
  passphrase?: string;
}

export type LogStream = 'stdout' | 'stderr' | 'system';

export interface LogLine {
  targetId: string | null;
  stream: LogStream;
  text: string;
}

/**
 * What a log callback may answer instead of nothing: "slow down", the consumer's queue is
 * full and `resumed` settles once it has drained. A source that can stop reading (an SSH
 * channel, see remote-exec.ts) stops until then, so a flood of output waits on the remote
 * side instead of in memory; sources that print little may ignore it. Callbacks stay typed
 * `=> void` (any callback fits); the answer is found with isLogPause(), so a wrapper that
 * forwards lines must return what it forwarded to: `(l) => ctx.log(l)`.
 */
export interface LogPause {
  readonly resumed: Promise<void>;
}

export function isLogPause(value: unknown): value is LogPause {
  return typeof value === 'object' && value !== null && (value as { resumed?: unknown }).resumed instanceof Promise;
}

export type TargetFinalState = 'succeeded' | 'failed' | 'skipped' | 'cancelled';
export type TargetState = 'pending' | 'running' | TargetFinalState;

export interface TargetResult {
  targetId: string;
  state: TargetFinalState;
  /** 1-based batch number. */
  batch: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Safe to show (secrets masked). */
  error?: { code: string; message: string };
  /** True when the release was already on the host and the upload was skipped. */
  reusedRelease?: boolean;
}

export interface TargetUpdate {
  targetId: string;
  state: TargetState;
  batch: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  error?: { code: string; message: string };
}

export interface DeployResult {
  deploymentId: string;
  state: 'succeeded' | 'failed' | 'cancelled';
  targets: TargetResult[];
}

export interface RunContext {
  /** May answer with a LogPause (backpressure, see LogPause). */
  log: (line: LogLine) => void;
  signal?: AbortSignal;
  onTargetUpdate?: (update: TargetUpdate) => void;
  /** A target's rollout detail changed (Kubernetes replicas and pods, restart instances). */
  onTargetDetail?: (targetId: string, detail: TargetDetail) => void;
}

export interface Executor<Plan> {
  run(plan: Plan, ctx: RunContext): Promise<DeployResult>;
}
