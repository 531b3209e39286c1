// The one place that reads the process environment. Parsed once at boot; a bad value
// stops the process with a message naming the variable.
import { isIP } from 'node:net';
import { httpOrigin } from '@wharf/shared';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const NAMED_PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An entry Express' `trust proxy` understands: a named range, an address, or a CIDR. */
function isProxyAddress(entry: string): boolean {
  if (NAMED_PROXY_RANGES.has(entry)) return true;
  const [addr = '', bits, ...rest] = entry.split('/');
  const family = isIP(addr);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const max = family === 4 ? 32 : 128;
  return /^[0-9]{1,3}$/.test(bits) && Number(bits) <= max;
}

const envSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  WHARF_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/)
    .default('wharf'),
  WHARF_HOST: z.string().default('127.0.0.1'),
  WHARF_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /**
   * The address people open Wharf at (scheme, host and port; no path). Browsers may change
   * state and open live-log sockets only from this origin. Default: http://WHARF_HOST:WHARF_PORT
   * (127.0.0.1 when binding to every interface), what `npm start` prints.
   */
  WHARF_PUBLIC_URL: z
    .string()
    .trim()
    .transform((v, ctx) => {
      const origin = httpOrigin(v);
      if (origin === null) {
        ctx.addIssue({ code: 'custom', message: 'must be an http(s) origin such as https://wharf.example.com' });
        return z.NEVER;
      }
      return origin;
    })
    .optional(),
  /** How often live-log sockets re-check their session and project access (revocations also apply at once). */
  WHARF_LIVE_RECHECK_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  WHARF_DATA_DIR: z.string().min(1).default('.wharf-data'),
  /** 32 random bytes, base64: encrypts credentials at rest (AES-256-GCM). */
  WHARF_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes encoded as base64'),
  WHARF_MAX_ARTIFACT_MB: z.coerce
    .number()
    .int()
    .min(1)
    .max(1024 * 1024)
    .default(2048),
  WHARF_ADMIN_EMAIL: z.email().optional(),
  WHARF_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  WHARF_SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  WHARF_COOKIE_SECURE: bool.default(false),
  /** Where the built dashboard lives; served as static files when it exists. */
  WHARF_WEB_DIST: z.string().optional(),
  /** Where the bundled CLI (wharf.mjs) lives; served at /cli/wharf.mjs. */
  WHARF_CLI_BUNDLE: z.string().optional(),
  WHARF_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /**
   * Added to the worker process's nice value at start (as `nice -n`; 0-19): a lower CPU
   * priority than the API's, so the API's answers win a core the two share. 0: unchanged.
   */
  WHARF_WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  WHARF_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Failed sign-ins allowed per client address and account in one window. */
  WHARF_LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(10),
  /** Failed sign-ins allowed per client address, over all accounts, in one window. */
  WHARF_LOGIN_MAX_ATTEMPTS_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(30),
  WHARF_LOGIN_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 3600)
    .default(15 * 60),
  /**
   * Which proxies may set X-Forwarded-For (Express `trust proxy`): off by default, else a hop
   * count or a comma-separated list of addresses/CIDRs (or loopback, linklocal, uniquelocal).
   * `true` is refused: it would let any client pick its own address and dodge the login limiter.
   */
  WHARF_TRUST_PROXY: z
    .string()
    .trim()
    .default('false')
    .transform((v, ctx): false | number | string[] => {
      if (v === '' || v === 'false' || v === '0') return false;
      if (/^[0-9]+$/.test(v)) return Number(v);
      const list = v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (list.length === 0 || !list.every(isProxyAddress)) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be false, a hop count, or a comma-separated list of proxy addresses/CIDRs',
        });
        return z.NEVER;
      }
      return list;
    }),
  /** A running deployment whose worker has not checked in for this long is failed ("worker lost"). */
  WHARF_HEARTBEAT_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  /** Per-deployment log cap; beyond it lines are dropped (with a marker) except a failed step's tail. */
  WHARF_LOG_MAX_MB: z.coerce.number().int().min(1).max(10_000).default(50),
  /** How long a worker waits for running deployments to finish on SIGTERM. */
  WHARF_SHUTDOWN_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 3600)
    .default(300),
  /** A queued deployment with no live job (e.g. Redis lost it) is re-queued once this old. */
  WHARF_REQUEUE_AFTER_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 3600)
    .default(30),
  /** GitLab webhook deliveries older than this are deleted by the worker. */
  WHARF_WEBHOOK_DELIVERY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Largest webhook body read (GitLab push payloads list at most 20 commits); above it: 413. */
  WHARF_WEBHOOK_MAX_BODY_KB: z.coerce
    .number()
    .int()
    .min(16)
    .max(64 * 1024)
    .default(1024),
  /** An auto-deploy waits this long after its delivery, so a burst of pushes releases only the newest. */
  WHARF_AUTO_DEPLOY_SETTLE_MS: z.coerce.number().int().min(0).max(600_000).default(2000),
  /** How often the worker re-checks waiting auto-deploys and deliveries no job picked up. */
  WHARF_AUTO_DEPLOY_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  /** Release notifications: first retry after this long, doubling for each of the 6 attempts. */
  WHARF_NOTIFICATION_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
  /** A receiver that has not answered in this long has failed this attempt (it never holds up a release). */
  WHARF_NOTIFICATION_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Sent and failed notification deliveries older than this are deleted by the worker. */
  WHARF_NOTIFICATION_DELIVERY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** How often the worker looks for pending notification deliveries to queue. */
  WHARF_NOTIFICATION_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(1000),
  /** How often each worker applies the projects' artifact retention (and removes unneeded files). */
  WHARF_RETENTION_SWEEP_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .default(3600),
});

export type AppConfig = ReturnType<typeof withDerivedDefaults>;
export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return withDerivedDefaults(parsed.data);
}

/** Settings whose default depends on other settings. */
function withDerivedDefaults(env: z.infer<typeof envSchema>) {
  return { ...env, WHARF_PUBLIC_URL: env.WHARF_PUBLIC_URL ?? defaultPublicUrl(env.WHARF_HOST, env.WHARF_PORT) };
}

function defaultPublicUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}
