// Runs the peer (kubectl-peer.sh) against the simulator and reads when each rollout status returned.
import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEPLOYMENT, CONTAINER } from './cluster.mjs';

const SCRIPT = fileURLToPath(new URL('./kubectl-peer.sh', import.meta.url));

function kubectlEnv(cfg, home, kubeconfig, cacheDir) {
  return { PATH: cfg.childPath, HOME: home, KUBECONFIG: kubeconfig, KUBE_CACHE_DIR: cacheDir };
}

function run(cmd, args, { env, stdin, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(stdin ?? '');
  });
}

/** kubectl's discovery cache for this bench: warm means read once now, before any timed run. */
export async function preparePeer(cfg, cluster, workDir) {
  const home = join(workDir, 'kubectl-home');
  await mkdir(home, { recursive: true });
  const kubeconfig = await cluster.sim.writeKubeconfig({ fileName: 'peer-kubeconfig.yaml' });
  const warmCache = join(home, 'cache-warm');
  if (cfg.kubectlCache === 'warm') {
    const r = await run(
      'kubectl',
      ['--cache-dir', warmCache, '-n', cluster.namespaces[0], 'get', `deployment/${DEPLOYMENT}`],
      {
        env: kubectlEnv(cfg, home, kubeconfig, warmCache),
        timeoutMs: 60_000,
      },
    );
    if (r.code !== 0) throw new Error(`kubectl could not read the simulator: ${r.stderr.slice(-500)}`);
  }
  return { home, kubeconfig, warmCache };
}

/** One release of `image` by the script; times from spawn to exit. */
export async function runPeer(cfg, cluster, prepared, image, runIndex) {
  const cacheDir = cfg.kubectlCache === 'warm' ? prepared.warmCache : join(prepared.home, `cache-cold-${runIndex}`);
  const stdin = cluster.namespaces.map((ns) => `${ns} ${DEPLOYMENT}\n`).join('');
  const t0 = Date.now();
  const r = await run(SCRIPT, [String(cfg.parallelism), CONTAINER, image, String(cfg.rolloutTimeoutS)], {
    env: kubectlEnv(cfg, prepared.home, prepared.kubeconfig, cacheDir),
    stdin,
    timeoutMs: (cfg.rolloutTimeoutS + 60) * 1000,
  });
  const t1 = Date.now();
  if (cfg.kubectlCache === 'cold') await rm(cacheDir, { recursive: true, force: true });
  if (r.code !== 0) throw new Error(`kubectl-peer.sh exited ${r.code}: ${r.stderr.slice(-1000)}`);
  const doneAt = new Map(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .map(([ns, ms]) => [ns, Number(ms)]),
  );
  return { startedAt: t0, finishedAt: t1, doneAt, succeeded: true };
}
