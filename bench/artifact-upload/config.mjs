// The only module of this benchmark that reads the environment.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadStackConfig } from '../ssh-fanout/config.mjs';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));

function positiveInt(name, raw, fallback) {
  if (raw === undefined || raw === '') return fallback;
  if (!/^[1-9][0-9]*$/.test(raw)) throw new Error(`${name} must be a positive whole number`);
  return Number(raw);
}

/** Benchmarks talk to loopback only (this machine's network rule): refuse anything else. */
function loopbackUrl(raw) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('WHARF_URL is not a valid URL');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!(host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host))) {
    throw new Error(
      'WHARF_URL must point at loopback (127.0.0.0/8, localhost or ::1): benchmarks never leave this machine',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('WHARF_URL must be http(s)');
  return url.href.replace(/\/+$/, '');
}

export function loadConfig(env = process.env) {
  const fake = env.BENCH_FAKE === '1' || env.BENCH_FAKE === 'true';
  /** Neither a fake nor a given Wharf: start a private one from apps/api/dist. */
  const stack = !fake && !env.WHARF_URL;
  const slug = env.WHARF_PROJECT || 'bench';
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) throw new Error('WHARF_PROJECT must be a project slug');
  const apiPid = env.WHARF_API_PID ? positiveInt('WHARF_API_PID', env.WHARF_API_PID) : undefined;
  return {
    fake,
    stack: stack ? loadStackConfig(env) : undefined,
    url: fake || stack ? undefined : loopbackUrl(env.WHARF_URL),
    token: env.WHARF_TOKEN?.trim() || undefined,
    adminEmail: env.WHARF_ADMIN_EMAIL || undefined,
    adminPassword: env.WHARF_ADMIN_PASSWORD || undefined,
    project: slug,
    apiPid,
    sizeMiB: positiveInt('BENCH_SIZE_MB', env.BENCH_SIZE_MB, 1024),
    runs: positiveInt('BENCH_RUNS', env.BENCH_RUNS, 1),
    tmpRoot: env.BENCH_TMPDIR || undefined,
    cli: resolve(REPO_ROOT, 'apps/cli/dist/wharf.mjs'),
    resultFile: resolve(REPO_ROOT, 'bench/results/artifact-upload.json'),
    /** Passed through to the CLI child, which reads nothing else. */
    childPath: env.PATH ?? '/usr/bin:/bin',
  };
}
