// Runs deploy.yml with ansible-playbook against the test hosts' own sshds (so Ansible gets the
// same SetEnv SHLVL=1 as Wharf), with the same security: the client key, a known_hosts file
// and StrictHostKeyChecking=yes. Pipelining on, facts off, forks = parallelism.
//
// Ansible's ssh connections keep a ControlPersist master per host after the play; those are
// daemons we started, so after every run each one is asked to exit and then waited for by the
// pid it reports (`ssh -O check`).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killAndWait } from '@wharf/test-hosts';
import { runTimed } from './proc.mjs';
import { appNameOf, healthUrlOf } from './wharf-client.mjs';

const PLAYBOOK = fileURLToPath(new URL('./deploy.yml', import.meta.url));

export async function prepareAnsible(cfg, hosts, dir) {
  await mkdir(join(dir, 'cp'), { recursive: true });
  await mkdir(join(dir, 'local-tmp'), { recursive: true });
  const inventory = [
    '[app]',
    ...hosts.hosts.map(
      (h) =>
        `${h.name} ansible_host=${h.address} ansible_port=${h.port} base_dir=${h.baseDir} app_name=${appNameOf(h)} health_url=${healthUrlOf(h)}`,
    ),
    '',
    '[app:vars]',
    'ansible_user=root',
    `ansible_ssh_private_key_file=${hosts.clientPrivateKeyPath}`,
    'ansible_python_interpreter=/usr/bin/python3',
    '',
  ].join('\n');
  const controlDir = join(dir, 'cp');
  const ansibleCfg = [
    '[defaults]',
    `inventory = ${join(dir, 'inventory.ini')}`,
    'host_key_checking = True',
    'gathering = explicit',
    'retry_files_enabled = False',
    'interpreter_python = /usr/bin/python3',
    `local_tmp = ${join(dir, 'local-tmp')}`,
    'nocolor = True',
    '',
    '[ssh_connection]',
    'pipelining = True',
    `ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${hosts.knownHostsPath}`,
    `control_path_dir = ${controlDir}`,
    // Known names, so the masters can be found and stopped after each run.
    'control_path = %(directory)s/%%h-%%p-%%r',
    '',
  ].join('\n');
  await writeFile(join(dir, 'inventory.ini'), inventory);
  await writeFile(join(dir, 'ansible.cfg'), ansibleCfg);
  return { dir, controlDir, configPath: join(dir, 'ansible.cfg') };
}

export async function runAnsible(cfg, hosts, prep, { version, tarballPath, parallelism, logFile }) {
  const extra = {
    version,
    tarball: tarballPath,
    deployment_id: `ansible-${version}`,
    health_retries: cfg.healthAttempts,
    health_delay: cfg.healthIntervalS,
  };
  const env = {
    PATH: cfg.childPath,
    HOME: process.env.HOME ?? '/root',
    ANSIBLE_CONFIG: prep.configPath,
    ANSIBLE_HOME: join(prep.dir, 'home'),
    ANSIBLE_FORCE_COLOR: '0',
    LANG: 'C.UTF-8',
  };
  try {
    return await runTimed('ansible-playbook', ['-f', String(parallelism), '-e', JSON.stringify(extra), PLAYBOOK], {
      env,
      timeoutMs: cfg.runTimeoutMs,
      logFile,
    });
  } finally {
    await stopControlMasters(hosts, prep);
  }
}

/** Asks every ControlPersist master of this run to exit and waits for its pid. */
export async function stopControlMasters(hosts, prep) {
  await Promise.all(
    hosts.hosts.map(async (h) => {
      const path = join(prep.controlDir, `${h.address}-${h.port}-root`);
      const base = ['-o', `ControlPath=${path}`, '-p', String(h.port), `root@${h.address}`];
      const check = await runTimed('ssh', ['-O', 'check', ...base], { timeoutMs: 10_000, allowFail: true }).catch(
        () => null,
      );
      if (!check || check.code !== 0) return; // no master for this host
      const pid = Number(/pid=(\d+)/.exec(check.stdout + check.stderr)?.[1]);
      await runTimed('ssh', ['-O', 'exit', ...base], { timeoutMs: 10_000, allowFail: true }).catch(() => null);
      if (pid > 1) await killAndWait(pid, 'SIGTERM', 3000);
    }),
  );
}
