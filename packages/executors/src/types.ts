// The executor contract: a plan in, log lines and per-target results out. No DB, no queue.
import type { HealthCheck as SharedHealthCheck } from '@wharf/shared';

/** Health check run from the host itself: HTTP (via the host's node), a command, or none. */
export type HealthCheck = SharedHealthCheck | { type: 'command'; command: string };

export interface SshCredential {
  privateKey: string;
  passphrase?: string;
}

export interface SshTargetPlan {
  id: string;
  name: string;
  host: string;
  port: number;
  user: string;
  /** Deploy root on the host: releases/<version>, current -> releases/<version>. */
  baseDir: string;
  /** pm2 app name (exported as WHARF_APP_NAME for the ecosystem file). */
  appName: string;
  /** `SHA256:...` host key fingerprint recorded when the target was added. */
  pinnedHostKey: string;
  credential: SshCredential;
  healthCheck: HealthCheck;
}

export type ReloadSettings = { mode: 'startOrReload'; ecosystemFile: string } | { mode: 'reload'; name: string };

export interface HealthSettings {
  /** Pause between attempts. */
  intervalMs: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
  attempts: number;
}

export interface TimeoutSettings {
  /** TCP + SSH handshake + auth. Default 15 s. */
  connectMs?: number;
  /** Any single remote command (install included). Default 10 min. */
  commandMs?: number;
  /** Whole per-target run; the target fails with a timeout after this. Default none. */
  targetMs?: number;
}

export interface SshDeploySettings {
  /** null = auto: `npm ci --omit=dev` when package-lock.json exists, else skip. */
  installCommand: string | null;
  /** Plain variables, visible in logs if a command prints them. */
  env: Record<string, string>;
  /** Secret variables: delivered via stdin, masked in every log line. */
  secretEnv: Record<string, string>;
  reload: ReloadSettings;
  health: HealthSettings;
  /** How many releases to keep on each host (the current one always stays). Default 5. */
  keepReleases?: number;
  preCommand?: string | null;
  postCommand?: string | null;
  /** Targets per batch: a count, or a percentage such as '25%'. */
  batchSize: number | `${number}%`;
  onFailure: 'stop' | 'continue';
  timeouts?: TimeoutSettings;
}

export interface SshDeployPlan {
  deploymentId: string;
  version: string;
  artifact: { path: string; sha256: string };
  targets: SshTargetPlan[];
  settings: SshDeploySettings;
}

export type LogStream = 'stdout' | 'stderr' | 'system';

export interface LogLine {
  targetId: string | null;
  stream: LogStream;
  text: string;
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
  log: (line: LogLine) => void;
  signal?: AbortSignal;
  onTargetUpdate?: (update: TargetUpdate) => void;
}

export interface Executor<Plan> {
  run(plan: Plan, ctx: RunContext): Promise<DeployResult>;
}
