// Releases: environment deploy settings, deployment requests, views, and log lines.
import { z } from 'zod';
import { envVarNameSchema, versionSchema } from './validators.js';

/** How an environment deploys (stored as Environment.settings). Every field has a default. */
export const deploySettingsSchema = z.object({
  /** null = auto: `npm ci --omit=dev` when a lockfile is present, else skip. */
  installCommand: z.string().max(1000).nullable().default(null),
  reload: z
    .discriminatedUnion('mode', [
      z.object({
        mode: z.literal('startOrReload'),
        ecosystemFile: z
          .string()
          .regex(/^[A-Za-z0-9._-][A-Za-z0-9._/-]{0,200}$/)
          .default('ecosystem.config.cjs'),
      }),
      z.object({ mode: z.literal('reload'), name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/) }),
    ])
    .default({ mode: 'startOrReload', ecosystemFile: 'ecosystem.config.cjs' }),
  health: z
    .object({
      intervalMs: z.number().int().min(100).max(600_000).default(2000),
      timeoutMs: z.number().int().min(100).max(600_000).default(5000),
      attempts: z.number().int().min(1).max(1000).default(15),
    })
    .default({ intervalMs: 2000, timeoutMs: 5000, attempts: 15 }),
  keepReleases: z.number().int().min(1).max(100).default(5),
  preCommand: z.string().max(1000).nullable().default(null),
  postCommand: z.string().max(1000).nullable().default(null),
  /** Targets per batch: a count or a percentage such as "25%". */
  batchSize: z
    .union([z.number().int().min(1).max(1000), z.string().regex(/^([1-9][0-9]?|100)%$/, 'use a count or "NN%"')])
    .default(1),
  onFailure: z.enum(['stop', 'continue']).default('stop'),
  /** Whole-deployment limit; the deployment fails with a timeout after it. */
  timeoutMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
});
export type DeploySettings = z.infer<typeof deploySettingsSchema>;
export const updateDeploySettingsSchema = deploySettingsSchema.partial();

export const setVariableSchema = z.object({
  name: envVarNameSchema,
  value: z.string().max(32 * 1024),
  secret: z.boolean().default(false),
});
export type SetVariableBody = z.infer<typeof setVariableSchema>;

export interface VariableView {
  id: string;
  name: string;
  secret: boolean;
  /** null for secret variables: they are write-only. */
  value: string | null;
  updatedAt: string;
}

export const createDeploymentSchema = z.object({
  environmentId: z.uuid(),
  version: versionSchema,
  /** On a protected environment: the environment's name, typed by the person. */
  confirm: z.string().max(100).optional(),
});
export type CreateDeploymentBody = z.infer<typeof createDeploymentSchema>;

export const confirmSchema = z.object({ confirm: z.string().max(100).optional() });
export type ConfirmBody = z.infer<typeof confirmSchema>;

export const DEPLOYMENT_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];
export const DEPLOYMENT_TRIGGERS = ['manual', 'rollback', 'cli', 'webhook'] as const;
export type DeploymentTrigger = (typeof DEPLOYMENT_TRIGGERS)[number];
export type DeploymentTargetState = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

export const deploymentListQuerySchema = z.object({
  environmentId: z.uuid().optional(),
  state: z.enum(DEPLOYMENT_STATES).optional(),
  trigger: z.enum(DEPLOYMENT_TRIGGERS).optional(),
  version: versionSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type DeploymentListQuery = z.infer<typeof deploymentListQuerySchema>;

export interface DeploymentTargetView {
  targetId: string | null;
  targetName: string;
  batch: number;
  state: DeploymentTargetState;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export interface DeploymentView {
  id: string;
  projectSlug: string;
  environmentId: string;
  environmentName: string;
  version: string;
  previousVersion: string | null;
  trigger: DeploymentTrigger;
  state: DeploymentState;
  actor: string;
  error: string | null;
  retryOfId: string | null;
  cancelRequested: boolean;
  logTruncated: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  targets: DeploymentTargetView[];
}

/** What an environment runs now (its latest succeeded deployment). */
export interface EnvironmentStatusView {
  environmentId: string;
  environmentName: string;
  protected: boolean;
  current: { version: string; deploymentId: string; finishedAt: string; actor: string } | null;
  active: { deploymentId: string; version: string; state: DeploymentState } | null;
}

export const LOG_STREAMS = ['stdout', 'stderr', 'system'] as const;
export type LogStreamName = (typeof LOG_STREAMS)[number];

/** One log line, as stored, streamed and downloaded. seq is dense per deployment from 1. */
export interface LogLineView {
  seq: number;
  targetId: string | null;
  stream: LogStreamName;
  at: string;
  text: string;
}

export const logQuerySchema = z.object({
  afterSeq: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

/** Approving a host key: the fingerprint the person saw in "Test connection". */
export const approveHostKeySchema = z.object({
  fingerprint: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'fingerprint must look like SHA256:<43 base64 characters>'),
});
export type ApproveHostKeyBody = z.infer<typeof approveHostKeySchema>;

export interface HostKeyProbeView {
  targetId: string;
  host: string;
  port: number;
  /** What the host offers right now. */
  fingerprint: string;
  keyType: string;
  /** What is pinned (approved), if anything. */
  pinned: string | null;
  /** null when nothing is pinned yet. */
  matches: boolean | null;
}
