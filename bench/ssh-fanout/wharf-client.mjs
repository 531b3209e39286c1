// The Wharf API calls the benchmarks make (loopback only): sign in, set up a project wired to
// the test hosts (credential, targets, approved host keys), push versions, release, follow.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class WharfClient {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
    this.cookie = null;
  }

  async call(method, path, body) {
    const headers = { accept: 'application/json' };
    // Every state-changing call declares JSON, bodyless ones too (the API answers 415 otherwise).
    if (method !== 'GET') headers['content-type'] = 'application/json';
    if (this.cookie) {
      headers.cookie = this.cookie;
      headers.origin = new URL(this.baseUrl).origin;
    }
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, body: json, headers: res.headers };
  }

  async ok(method, path, body) {
    const res = await this.call(method, path, body);
    if (res.status < 200 || res.status > 299) {
      const msg = typeof res.body?.message === 'string' ? res.body.message : JSON.stringify(res.body)?.slice(0, 300);
      throw new Error(`${method} ${path} failed (${res.status}): ${msg}`);
    }
    return res.body;
  }

  /** Signs in; keeps the session cookie and returns it ("wharf_session=..."). */
  async login(email, password) {
    const res = await this.call('POST', '/api/v1/auth/login', { email, password });
    if (res.status !== 200 && res.status !== 201) throw new Error(`login failed (${res.status})`);
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .find((c) => c.startsWith('wharf_session='));
    if (!cookie) throw new Error('login: no wharf_session cookie in the answer');
    this.cookie = cookie;
    return cookie;
  }
}

/**
 * Creates project `slug` with environment `qa`, an SSH key credential and one target per host
 * (host keys tested and approved, as an admin would), and a project token for pushes.
 */
export async function setupProject(client, { slug, hosts, settings }) {
  await client.ok('POST', '/api/v1/projects', { slug, name: slug });
  const env = await client.ok('POST', `/api/v1/projects/${slug}/environments`, { name: 'qa' });
  const cred = await client.ok('POST', `/api/v1/projects/${slug}/credentials`, {
    name: 'deploy-key',
    kind: 'ssh_key',
    value: hosts.clientPrivateKey,
  });
  if (settings) await client.ok('PATCH', `/api/v1/projects/${slug}/environments/${env.id}/settings`, settings);
  const targetIds = [];
  for (const h of hosts.hosts) {
    const target = await client.ok('POST', `/api/v1/projects/${slug}/environments/${env.id}/targets`, {
      kind: 'ssh',
      name: h.name,
      credentialId: cred.id,
      config: {
        host: h.address,
        port: h.port,
        user: 'root',
        baseDir: h.baseDir,
        appName: appNameOf(h),
        healthCheck: { type: 'http', url: healthUrlOf(h) },
      },
    });
    const probe = await client.ok('POST', `/api/v1/projects/${slug}/targets/${target.id}/test-connection`);
    if (probe.fingerprint !== h.hostKeyFingerprint) {
      throw new Error(`${h.name}: probed fingerprint ${probe.fingerprint} is not the host's ${h.hostKeyFingerprint}`);
    }
    await client.ok('PUT', `/api/v1/projects/${slug}/targets/${target.id}/host-key`, {
      fingerprint: probe.fingerprint,
    });
    targetIds.push(target.id);
  }
  const token = (await client.ok('POST', `/api/v1/projects/${slug}/tokens`, { name: 'bench' })).token;
  return { slug, envId: env.id, targetIds, token };
}

export const appNameOf = (h) => `sample-${h.name}`;
export const healthUrlOf = (h) => `http://${h.address}:${h.appPort}/health`;

/** Pushes a tarball as `version` with the project token (the CLI's route). */
export async function pushTarball(baseUrl, project, version, tarball) {
  const size = (await stat(tarball.path)).size;
  const q = `version=${encodeURIComponent(version)}&sha256=${tarball.sha256}`;
  const res = await fetch(`${baseUrl}/api/v1/projects/${project.slug}/artifacts/tarball?${q}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${project.token}`,
      'content-type': 'application/gzip',
      'content-length': String(size),
    },
    body: Readable.toWeb(createReadStream(tarball.path)),
    duplex: 'half',
    signal: AbortSignal.timeout(120_000),
  });
  if (res.status !== 201) throw new Error(`push ${version} failed: ${res.status} ${(await res.text()).slice(0, 300)}`);
}

const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** Polls a deployment every `pollMs` until it is final; bounded by `timeoutMs`. */
export async function waitFinished(client, slug, id, { pollMs = 100, timeoutMs }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await client.ok('GET', `/api/v1/projects/${slug}/deployments/${id}`);
    if (FINAL.has(d.state)) return d;
    if (Date.now() > deadline) throw new Error(`deployment ${id} still ${d.state} after ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}
