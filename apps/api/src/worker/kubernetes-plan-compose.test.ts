// Whatever the API accepts for a Kubernetes target, the Kubernetes executor runs: configs at
// the edges of every field, with a kubeconfig credential, composed into a plan, pass the
// executor's own validation; everything that cannot run is refused with a reason.
import { validateKubernetesPlan } from '@wharf/executors';
import { createTargetSchema, type KubernetesTargetConfig } from '@wharf/shared';
import { describe, expect, it } from 'vitest';
import { composeKubernetesPlan, type KubernetesReleaseSources } from './kubernetes-plan-compose.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBtestca\n-----END CERTIFICATE-----\n';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.test-service-account-token';

function configVia(config: Record<string, unknown>): KubernetesTargetConfig {
  const r = createTargetSchema.parse({ kind: 'kubernetes', name: 'web', config });
  if (r.kind !== 'kubernetes') throw new Error('not kubernetes');
  return r.config;
}

function kubeconfig(server: string, user = `    token: ${TOKEN}`): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'current-context: c',
    'contexts: [{name: c, context: {cluster: k, user: u}}]',
    'clusters:',
    '- name: k',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${Buffer.from(CA).toString('base64')}`,
    'users:',
    '- name: u',
    '  user:',
    user,
    '',
  ].join('\n');
}

const base = { apiUrl: 'https://k8s.example.com:6443', namespace: 'shop', deployment: 'web', container: 'app' };
const CONFIG_SAMPLES: Record<string, unknown>[] = [
  base,
  { ...base, apiUrl: 'https://k8s.example.com:6443/' },
  { ...base, namespace: `n${'s'.repeat(62)}`, deployment: `d${'e'.repeat(252)}`, container: `c${'o'.repeat(62)}` },
  { ...base, namespace: 'a', deployment: 'web.v2.shop-1', container: 'a' },
  { ...base, apiUrl: 'https://10.0.0.1/k8s/clusters/c-1', deployment: '0-web' },
];

function sources(
  config: KubernetesTargetConfig,
  over: Partial<KubernetesReleaseSources> = {},
): KubernetesReleaseSources {
  return {
    deploymentId: 'd-1',
    version: 'v1.2.3',
    image: { ref: 'registry.example.com/shop/web:3f2a9c1', digest: `sha256:${'a'.repeat(64)}` },
    settings: { batchSize: '50%', onFailure: 'continue' },
    targets: [
      {
        id: 't-1',
        name: 'web',
        config,
        credential: { kind: 'kubeconfig', value: kubeconfig(config.apiUrl.replace(/\/$/, '')) },
      },
    ],
    ...over,
  };
}

describe('composeKubernetesPlan', () => {
  it.each(CONFIG_SAMPLES.map((c, i) => [i, c]))('config sample %i passes the executor unchanged', (_i, config) => {
    const stored = configVia(config);
    const { plan, secrets, refused } = composeKubernetesPlan(sources(stored));
    expect(refused).toEqual([]);
    const valid = validateKubernetesPlan(plan);
    expect(valid.targets[0]!.workload).toEqual({
      namespace: stored.namespace,
      kind: 'Deployment',
      name: stored.deployment,
      container: stored.container,
    });
    expect(valid.targets[0]!.cluster).toEqual({
      server: stored.apiUrl.replace(/\/$/, ''),
      caPem: CA,
      auth: { token: TOKEN },
    });
    expect(valid.settings).toEqual({
      batchSize: '50%',
      onFailure: 'continue',
      kubernetes: { mode: 'image', rolloutTimeoutSeconds: 600 },
    });
    expect(valid.image).toEqual({ ref: 'registry.example.com/shop/web:3f2a9c1', digest: `sha256:${'a'.repeat(64)}` });
    expect(secrets).toEqual([TOKEN]);
  });

  it('restart mode needs no image and keeps its settings', () => {
    const { plan, refused } = composeKubernetesPlan(
      sources(configVia(base), {
        image: null,
        settings: { batchSize: 1, onFailure: 'stop', kubernetes: { mode: 'restart', rolloutTimeoutSeconds: 120 } },
      }),
    );
    expect(refused).toEqual([]);
    const valid = validateKubernetesPlan(plan);
    expect(valid.image).toBeUndefined();
    expect(valid.settings.kubernetes).toEqual({ mode: 'restart', rolloutTimeoutSeconds: 120 });
  });

  it('refuses, with a reason and without the secret, every target that cannot run', () => {
    const cfg = configVia(base);
    const cases: [KubernetesReleaseSources['targets'][number]['credential'], RegExp][] = [
      [null, /web has no kubeconfig credential/],
      [{ kind: 'token', value: TOKEN }, /uses a token credential, which has no CA to verify the API server with/],
      [
        { kind: 'kubeconfig', value: kubeconfig('https://other.example.com:6443') },
        /API URL https:\/\/k8s.example.com:6443 is not the server of its kubeconfig \(https:\/\/other.example.com:6443\)/,
      ],
      [
        { kind: 'kubeconfig', value: kubeconfig(base.apiUrl, '    exec: {command: /bin/sh}') },
        /kubeconfig of web cannot be used: exec .* is refused/,
      ],
      [
        { kind: 'kubeconfig', value: kubeconfig(base.apiUrl, `    token-file: /var/run/secrets/token`) },
        /token-file \(a file path\) is refused/,
      ],
      [{ kind: 'kubeconfig', value: 'not: [a kubeconfig' }, /kubeconfig is not valid YAML/],
    ];
    for (const [credential, reason] of cases) {
      const { plan, refused, secrets } = composeKubernetesPlan(
        sources(cfg, { targets: [{ id: 't-1', name: 'web', config: cfg, credential }] }),
      );
      expect(plan.targets).toEqual([]);
      expect(refused).toHaveLength(1);
      expect(refused[0]!.reason).toMatch(reason);
      expect(refused[0]!.reason).not.toContain(TOKEN);
      expect(secrets).toEqual([]);
    }
    const tarball = composeKubernetesPlan(sources(cfg, { image: null }));
    expect(tarball.refused[0]!.reason).toBe(
      'version v1.2.3 is not an image; register one with wharf artifact register-image',
    );
    // An http API URL can never match a kubeconfig's (https-only) server.
    const http = configVia({ ...base, apiUrl: 'http://k8s.example.com:6443' });
    expect(
      composeKubernetesPlan(
        sources(http, {
          targets: [
            {
              id: 't-1',
              name: 'web',
              config: http,
              credential: { kind: 'kubeconfig', value: kubeconfig('https://k8s.example.com:6443') },
            },
          ],
        }),
      ).refused[0]!.reason,
    ).toMatch(/is not the server of its kubeconfig/);
  });
});
