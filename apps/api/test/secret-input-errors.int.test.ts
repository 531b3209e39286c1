// Refused secret values, on every route that takes one: a credential created or rotated (each
// kind), a secret environment or target variable, a notification's URL and signing secret, a
// password. A value the API cannot use is a 4xx naming the field (never a 5xx: an exception
// thrown while validating is not an answer), and no answer repeats the secret it refused.
// The kubeconfig cases are structured values whose parts (server, CA, token) are checked one
// by one, which the field-level fuzz (input-fuzz.int.test.ts) cannot reach.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from './http-client.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

const MARK = 'SEKRET-9f3a7c1e5b';
const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n').toString('base64');

function kubeconfig(server: string, user = `{token: ${MARK}-token}`, ca = CA): string {
  return (
    'apiVersion: v1\nkind: Config\ncurrent-context: ci\ncontexts: [{name: ci, context: {cluster: k, user: ci}}]\n' +
    `clusters: [{name: k, cluster: {server: ${JSON.stringify(server)}, certificate-authority-data: ${JSON.stringify(ca)}}}]\n` +
    `users: [{name: ci, user: ${user}}]\n`
  );
}

/** Kubeconfigs a release could not use, each with a secret in it. */
const BAD_KUBECONFIGS: [string, string][] = [
  ['server not a URL', kubeconfig(`not a url ${MARK}`)],
  ['server with a port out of range', kubeconfig(`https://k8s.example.com:99999/${MARK}`)],
  ['server with an unclosed IPv6 bracket', kubeconfig(`https://[::1/${MARK}`)],
  ['server with a space in the host', kubeconfig(`https://k8s ${MARK}.example.com/`)],
  ['server empty', kubeconfig('')],
  ['server over http', kubeconfig(`http://k8s.example.com/${MARK}`)],
  ['server with credentials', kubeconfig(`https://admin:${MARK}@k8s.example.com/`)],
  ['token not printable', kubeconfig('https://k8s.example.com', `{token: "${MARK}\\u0001"}`)],
  ['token not a string', kubeconfig('https://k8s.example.com', '{token: [1, 2]}')],
  ['CA not base64', kubeconfig('https://k8s.example.com', undefined, `${MARK}!`)],
  ['CA not a certificate', kubeconfig('https://k8s.example.com', undefined, Buffer.from(MARK).toString('base64'))],
  ['not YAML', `clusters: [{token: ${MARK}`],
  ['a YAML list', `- ${MARK}\n`],
];

let t: TestApp;
let admin: TestClient;
const P = '/api/v1/projects/secret-errors';
let kubeCredentialId: string;
let envId: string;
let targetId: string;

interface Outcome {
  label: string;
  status: number;
  body: any;
}

/** Answers that are not a 4xx naming `field`, or that repeat the secret. */
function wrong(outcomes: Outcome[], field: string): string[] {
  return outcomes
    .filter((o) => {
      const text = JSON.stringify(o.body) ?? '';
      const names = (o.body?.issues ?? []).some((i: { path: string }) => i.path === field);
      return o.status < 400 || o.status >= 500 || !names || text.includes(MARK);
    })
    .map((o) => `${o.label} -> ${o.status} ${JSON.stringify(o.body).slice(0, 200)}`);
}

beforeAll(async () => {
  t = await startTestApp();
  admin = new TestClient(t.url);
  await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
  expect((await admin.post('/api/v1/projects', { slug: 'secret-errors', name: 'Secret errors' })).status).toBe(201);
  const kube = await admin.post(`${P}/credentials`, {
    name: 'kube',
    kind: 'kubeconfig',
    value: kubeconfig('https://k8s.example.com:6443'),
  });
  expect(kube.status).toBe(201);
  kubeCredentialId = kube.body.id;
  envId = (await admin.post(`${P}/environments`, { name: 'qa' })).body.id;
  targetId = (
    await admin.post(`${P}/environments/${envId}/targets`, {
      kind: 'ssh',
      name: 'host',
      config: { host: '127.0.0.1', port: 22, user: 'deploy', baseDir: '/srv/app', appName: 'app' },
    })
  ).body.id;
});
afterAll(async () => {
  await t?.close();
});

describe('refused secret values', () => {
  it('kubeconfigs: 400 naming value when created or rotated, never a 5xx, never the secret', async () => {
    const outcomes: Outcome[] = [];
    for (const [label, value] of BAD_KUBECONFIGS) {
      const created = await admin.post(`${P}/credentials`, { name: 'bad-kube', kind: 'kubeconfig', value });
      outcomes.push({ label: `create: ${label}`, ...created });
      const rotated = await admin.put(`${P}/credentials/${kubeCredentialId}/secret`, { value });
      outcomes.push({ label: `rotate: ${label}`, ...rotated });
    }
    expect(wrong(outcomes, 'value')).toEqual([]);
    // Nothing was stored: the list holds the one good credential.
    expect((await admin.get(`${P}/credentials`)).body.map((c: { name: string }) => c.name)).toEqual(['kube']);
  });

  it('variables, notification URLs and secrets, passwords: 4xx naming the field, never the secret', async () => {
    const tooLong = `${MARK}${'x'.repeat(70_000)}`;
    const outcomes: [Outcome, string][] = [];
    for (const value of [`${MARK}\u0000`, tooLong]) {
      for (const [label, path] of [
        ['environment variable', `${P}/environments/${envId}/variables`],
        ['target variable', `${P}/targets/${targetId}/variables`],
      ]) {
        const res = await admin.put(path!, { name: 'APP_SECRET', value, secret: true });
        outcomes.push([{ label: `${label} ${value.length}`, ...res }, 'value']);
      }
    }
    // The restart secret, on the environment and as a target's override of it: secret and
    // at least 16 characters, or refused naming the field that breaks the rule.
    for (const [label, path] of [
      ['environment', `${P}/environments/${envId}/variables`],
      ['target', `${P}/targets/${targetId}/variables`],
    ]) {
      const short = await admin.put(path!, { name: 'WHARF_RESTART_SECRET', value: MARK.slice(0, 12), secret: true });
      outcomes.push([{ label: `${label} short restart secret`, ...short }, 'value']);
      const shown = await admin.put(path!, {
        name: 'WHARF_RESTART_SECRET',
        value: `${MARK}-long-enough`,
        secret: false,
      });
      outcomes.push([{ label: `${label} restart secret not secret`, ...shown }, 'secret']);
    }
    for (const url of [
      `https://user:${MARK}@hooks.example.com/`,
      `ftp://hooks.example.com/${MARK}`,
      `https://hooks.example.com:99999/${MARK}`,
      `https://[::1/${MARK}`,
    ]) {
      const res = await admin.post(`${P}/notifications`, { name: 'n', channel: 'webhook', url, events: ['failed'] });
      outcomes.push([{ label: `notification url ${url.slice(0, 30)}`, ...res }, 'url']);
    }
    const secret = await admin.post(`${P}/notifications`, {
      name: 'n',
      channel: 'webhook',
      url: 'https://93.184.215.14/hook',
      secret: tooLong,
      events: ['failed'],
    });
    outcomes.push([{ label: 'notification secret', ...secret }, 'secret']);
    const password = await admin.post('/api/v1/auth/password', {
      currentPassword: TEST_ADMIN.password,
      newPassword: `${MARK}\u0000`,
    });
    outcomes.push([{ label: 'new password', ...password }, 'newPassword']);
    const bad = outcomes.flatMap(([o, field]) => wrong([o], field));
    expect(bad).toEqual([]);
    // Nothing was stored under the restart secret's name.
    expect((await admin.get(`${P}/targets/${targetId}/variables`)).body).toEqual([]);
  });
});
