export { startSshHosts, SSHD_BIN } from './ssh-hosts.js';
export type { StartSshHostsOptions, TestHost, TestHosts } from './ssh-hosts.js';
export { buildSampleTarball, sha256File } from './sample-app.js';
export type { SampleTarball, SampleTarballOptions } from './sample-app.js';
export { generateKey, fingerprintOfPublicKey } from './keys.js';
export type { GeneratedKey, KeyType } from './keys.js';
export { freePort } from './free-port.js';
export { isAlive, killAndWait, waitForPort } from './process-utils.js';
export { pm2CliPath, pm2Pids, stopPm2 } from './pm2.js';
