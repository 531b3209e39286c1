// The restart script of the article in shared/seed, ported faithfully (its `request` helper
// resolves on errors; kill, then poll the health path, waiting for the probe once healthy),
// with the 10 s poll interval taken as a parameter so both sides run at the same scale.
import { request as httpRequest } from 'node:http';

function request(host, port, path) {
  return new Promise((resolve) => {
    const req = httpRequest({ hostname: host, port, path, method: 'GET' }, (res) => {
      res.setEncoding('utf8');
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode, data }));
    });
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function articleRestart({ consulUrl, service, pollMs, maxPolls, waitForProbeSeconds = 0, log }) {
  const u = new URL(consulUrl);
  const res = await request(u.hostname, Number(u.port), `/v1/health/service/${service}`);
  if (!res || !res.data) throw new Error('consul find service failed');
  const pods = JSON.parse(res.data).map((v) => [v.Service.Address, v.Service.Port]);
  log(`consul services: ${JSON.stringify(pods)}`);
  for (let i = 0; i < pods.length; i++) {
    const [host, port] = pods[i];
    const killRes = await request(host, port, '/api/kill');
    if (!(killRes && killRes.status === 200)) {
      log(`${host}:${port} kill failed, skip.`);
      continue;
    }
    if (i === pods.length - 1) return;
    let isServerUp;
    let tryTimes = maxPolls;
    do {
      await sleep(pollMs);
      const serverRes = await request(host, port, '/api/health-check');
      isServerUp = !!(serverRes && serverRes.status === 200);
      if (isServerUp) await sleep(waitForProbeSeconds * 1000);
    } while (!isServerUp && --tryTimes > 0);
  }
}
