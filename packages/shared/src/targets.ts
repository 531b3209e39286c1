// Typed per-kind target configuration. The API stores it as JSON and validates it here.
import { z } from 'zod';
import { absolutePathSchema, hostSchema, safeText, shellCommandSchema, targetNameSchema } from './validators.js';
import { imageRepositorySchema, kubernetesWorkloadKindSchema } from './kubernetes.js';

export const TARGET_KINDS = ['ssh', 'kubernetes', 'consul'] as const;
export const targetKindSchema = z.enum(TARGET_KINDS);
export type TargetKind = z.infer<typeof targetKindSchema>;

const httpUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const HEALTH_CHECK_TYPES = ['none', 'http', 'command'] as const;
export const EXPECT_BODY_MAX = 200;

/** Run on the host after each reload; the release only counts when it passes. */
export const healthCheckSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({
    type: z.literal('http'),
    /** URL as seen from the host itself, e.g. http://127.0.0.1:3000/health */
    url: httpUrlSchema,
    expectStatus: z.number().int().min(100).max(599).default(200),
    /** Text the response body must contain (plain substring, case-sensitive). */
    expectBody: safeText(EXPECT_BODY_MAX, { min: 1 }).optional(),
  }),
  z.object({
    type: z.literal('command'),
    /** Shell command run by the SSH user in the release directory with the deploy variables; exit 0 = healthy. */
    command: shellCommandSchema,
  }),
]);
export type HealthCheck = z.infer<typeof healthCheckSchema>;

/**
 * Directories a deploy root must not be, or (for the system trees) lie inside: Wharf
 * creates releases/ and current there and prunes old releases, so a root here could clobber
 * the OS. Parents such as /home or /srv are refused themselves but allowed as parents.
 */
export const FORBIDDEN_BASE_DIR_TREES = [
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/proc',
  '/run',
  '/sbin',
  '/sys',
  '/usr',
] as const;
export const FORBIDDEN_BASE_DIRS = ['/', '/home', '/media', '/mnt', '/opt', '/root', '/srv', '/tmp', '/var'] as const;

/** A target's deploy root: absolute, normalized, and not a system directory. */
export const baseDirSchema = absolutePathSchema
  .refine(
    (p) => p === '/' || (!p.endsWith('/') && !p.includes('//') && !p.split('/').includes('.')),
    'baseDir must be normalized: no "//", "." segment or trailing "/"',
  )
  .refine(
    (p) =>
      !(FORBIDDEN_BASE_DIRS as readonly string[]).includes(p) &&
      !FORBIDDEN_BASE_DIR_TREES.some((dir) => p === dir || p.startsWith(`${dir}/`)),
    'baseDir must not be / or a system directory (such as /etc, /usr or /var); use e.g. /srv/my-app',
  );

export const sshTargetConfigSchema = z.object({
  host: hostSchema,
  port: z.number().int().min(1).max(65535).default(22),
  user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'user must be a valid unix user name'),
  baseDir: baseDirSchema,
  appName: targetNameSchema,
  healthCheck: healthCheckSchema.default({ type: 'none' }),
});

export const kubernetesTargetConfigSchema = z.object({
  apiUrl: httpUrlSchema,
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'namespace must be a DNS label'),
  /** The workload's name: a DNS subdomain, as the API server requires (no "..", no ".-"). */
  deployment: z
    .string()
    .regex(
      /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
      'deployment must be a DNS name',
    ),
  container: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'container must be a DNS label'),
  /** What `deployment` names: a Deployment, a StatefulSet or a DaemonSet. */
  kind: kubernetesWorkloadKindSchema.default('Deployment'),
  /** When set, a release refuses any image from another repository. */
  imageRepository: imageRepositorySchema.optional(),
});

export const READINESS_DELAY_MAX_SECONDS = 120;
export const CONSUL_AGENTS_MAX = 8;

/** Rolling restart through Consul: find the instances, restart one at a time, health-gated. */
export const consulTargetConfigSchema = z.object({
  consulUrl: httpUrlSchema,
  /** More agents of the same cluster, asked in turn when an earlier one does not answer. */
  agents: z.array(httpUrlSchema).max(CONSUL_AGENTS_MAX).default([]),
  service: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'service must be a Consul service name'),
  /** Only instances carrying this tag. */
  tag: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:=/-]{0,127}$/, 'tag must be 1-128 letters, digits or . _ : = / -')
    .optional(),
  /** Datacenter to ask about; default: the agent's own. */
  datacenter: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'datacenter must be 1-64 letters, digits, "_" or "-"')
    .optional(),
  restartPath: z
    .string()
    .regex(/^\/[A-Za-z0-9._/-]*$/)
    .default('/-/restart'),
  healthPath: z
    .string()
    .regex(/^\/[A-Za-z0-9._/-]*$/)
    .default('/health'),
  /** Instances that must stay healthy while one restarts; null = all but one. */
  minHealthy: z.number().int().min(0).max(1000).nullable().default(null),
  /** Pause between health polls of a restarted instance. */
  pollIntervalMs: z.number().int().min(100).max(600_000).default(10_000),
  /** Polls before giving up on a restarted instance. */
  maxPolls: z.number().int().min(1).max(1000).default(12),
  /** Wait after an instance is healthy (the orchestrator's readiness probe) before the next; not after the last. */
  readinessDelaySeconds: z
    .number()
    .min(0, 'readinessDelaySeconds must be 0-120')
    .max(READINESS_DELAY_MAX_SECONDS, 'readinessDelaySeconds must be 0-120')
    .default(10),
});

export const targetConfigSchemas = {
  ssh: sshTargetConfigSchema,
  kubernetes: kubernetesTargetConfigSchema,
  consul: consulTargetConfigSchema,
} as const;

export type SshTargetConfig = z.infer<typeof sshTargetConfigSchema>;
export type KubernetesTargetConfig = z.infer<typeof kubernetesTargetConfigSchema>;
export type ConsulTargetConfig = z.infer<typeof consulTargetConfigSchema>;

/** Create body: kind selects which config schema applies. */
export const createTargetSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('ssh'),
    name: targetNameSchema,
    config: sshTargetConfigSchema,
    credentialId: z.uuid().nullable().optional(),
  }),
  z.object({
    kind: z.literal('kubernetes'),
    name: targetNameSchema,
    config: kubernetesTargetConfigSchema,
    credentialId: z.uuid().nullable().optional(),
  }),
  z.object({
    kind: z.literal('consul'),
    name: targetNameSchema,
    config: consulTargetConfigSchema,
    credentialId: z.uuid().nullable().optional(),
  }),
]);
export type CreateTarget = z.infer<typeof createTargetSchema>;

/** Update body: name, config (validated against the target's existing kind) and credential. */
export const updateTargetSchema = z.object({
  name: targetNameSchema.optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  credentialId: z.uuid().nullable().optional(),
});
export type UpdateTarget = z.infer<typeof updateTargetSchema>;

/** "Test connection": the checks run against an SSH target, in order. */
export const PREFLIGHT_CHECKS = ['reachable', 'host_key', 'login', 'commands', 'base_dir'] as const;
export type PreflightCheckName = (typeof PREFLIGHT_CHECKS)[number];
/** `skipped`: not tried, because an earlier check failed (the message says which). */
export type PreflightStatus = 'passed' | 'failed' | 'skipped';

export interface PreflightCheckView {
  name: PreflightCheckName;
  status: PreflightStatus;
  /** What was found, in English; names the failing part (never a secret). */
  message: string;
}

/** The answer to "Test connection": every check, plus the host key the host offers now. */
export interface HostPreflightView {
  targetId: string;
  host: string;
  port: number;
  /** Every check passed: a release can reach this host. */
  ok: boolean;
  checks: PreflightCheckView[];
  /** What the host offers right now; null when no host key could be read. */
  fingerprint: string | null;
  keyType: string | null;
  /** What is pinned (approved), if anything. */
  pinned: string | null;
  /** null when nothing is pinned yet or no key could be read. */
  matches: boolean | null;
}
