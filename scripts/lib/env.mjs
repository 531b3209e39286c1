// The one place the repo scripts read the process environment. Values are read once;
// everything else receives them as arguments.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const env = process.env;

/** Settings for `npm start`. Unset values stay undefined so start.mjs can pick defaults. */
export function startSettings() {
  const dataDir = env.WHARF_DATA_DIR || '.wharf-data';
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(repoRoot, dataDir),
    host: env.WHARF_HOST || '127.0.0.1',
    port: env.WHARF_PORT ? Number(env.WHARF_PORT) : 8080,
    /** Where browsers reach Wharf, when it is not this host and port (reverse proxy, real name). */
    publicUrl: env.WHARF_PUBLIC_URL || undefined,
    secretKey: env.WHARF_SECRET_KEY || undefined,
    adminEmail: env.WHARF_ADMIN_EMAIL || undefined,
    adminPasswordSet: Boolean(env.WHARF_ADMIN_PASSWORD),
    /** The worker's own drain time on SIGTERM (running deployments finish first). */
    workerGraceSeconds: Number(env.WHARF_SHUTDOWN_GRACE_SECONDS || 300),
  };
}

/** Settings for `npm test`. */
export function testSettings() {
  return {
    pgUrl: env.WHARF_TEST_PG_URL || undefined,
    redisUrl: env.WHARF_TEST_REDIS_URL || undefined,
    ci: env.CI === 'true' || env.CI === '1',
  };
}

/**
 * The environment handed to child processes: ours plus `extra`. PATH also gets the
 * fallback pnpm prefix that bootstrap.sh uses when a global npm install is not allowed.
 */
export function childEnv(extra = {}) {
  const pnpmFallback = join(env.HOME || homedir(), '.cache', 'wharf', 'pnpm', 'bin');
  return {
    ...env,
    PATH: `${pnpmFallback}:${env.PATH ?? ''}`,
    // No telemetry or update checks: they wait on the closed network.
    TURBO_TELEMETRY_DISABLED: '1',
    DO_NOT_TRACK: '1',
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    ...extra,
  };
}
