import { describe, expect, it } from 'vitest';
import { clusterAccessFromKubeconfig, KubeconfigError } from './cluster-access.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const b64 = (s: string) => Buffer.from(s).toString('base64');

function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown>): string {
  const yaml = (o: Record<string, unknown>, indent: string) =>
    Object.entries(o)
      .map(([k, v]) => `${indent}${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join('\n');
  return [
    'apiVersion: v1',
    'kind: Config',
    'current-context: prod',
    'contexts:',
    '- name: prod',
    '  context: {cluster: c1, user: u1, namespace: shop}',
    'clusters:',
    '- name: c1',
    '  cluster:',
    yaml(cluster, '    '),
    'users:',
    '- name: u1',
    '  user:',
    yaml(user, '    '),
    '',
  ].join('\n');
}

const good = { server: 'https://k8s.example.com:6443', 'certificate-authority-data': b64(CA) };

describe('clusterAccessFromKubeconfig', () => {
  it('reads server, CA and token (or client certificate) of the current context', () => {
    expect(clusterAccessFromKubeconfig(kubeconfig(good, { token: 'abc.def' }))).toEqual({
      server: 'https://k8s.example.com:6443',
      caPem: CA,
      auth: { token: 'abc.def' },
    });
    const cert = '-----BEGIN CERTIFICATE-----\nMIIcert\n-----END CERTIFICATE-----\n';
    const key = '-----BEGIN EC PRIVATE KEY-----\nMHckey\n-----END EC PRIVATE KEY-----\n';
    expect(
      clusterAccessFromKubeconfig(
        kubeconfig(good, { 'client-certificate-data': b64(cert), 'client-key-data': b64(key) }),
      ).auth,
    ).toEqual({ clientCertPem: cert, clientKeyPem: key });
  });

  it('refuses everything that would run a program, read a file, skip TLS or leave the CA out', () => {
    const cases: [Record<string, unknown>, Record<string, unknown>, RegExp][] = [
      [{ ...good, 'insecure-skip-tls-verify': true }, { token: 't' }, /insecure-skip-tls-verify is refused/],
      [
        { server: good.server, 'certificate-authority': '/etc/ca.crt' },
        { token: 't' },
        /certificate-authority \(a file path\)/,
      ],
      [{ server: good.server }, { token: 't' }, /certificate-authority-data is required/],
      [{ ...good, 'proxy-url': 'http://proxy:3128' }, { token: 't' }, /proxy-url is refused/],
      [good, { 'token-file': '/etc/shadow' }, /token-file \(a file path\)/],
      [good, { exec: { command: 'sh', args: ['-c', 'id'] } }, /exec .* is refused/],
      [good, { 'auth-provider': { name: 'gcp' } }, /auth-provider is refused/],
      [good, { 'client-certificate': '/c', 'client-key': '/k' }, /client-certificate \(a file path\)/],
      [good, { username: 'admin', password: 'pw' }, /basic auth/],
      [good, { token: 't', as: 'system:admin' }, /impersonation/],
      [{ ...good, server: 'http://k8s.example.com' }, { token: 't' }, /server must be an https:\/\/ URL/],
      [good, {}, /needs a token or client-certificate-data/],
    ];
    for (const [cluster, user, message] of cases) {
      const run = () => clusterAccessFromKubeconfig(kubeconfig(cluster, user));
      expect(run, JSON.stringify({ cluster, user })).toThrow(KubeconfigError);
      expect(run).toThrow(message);
    }
  });

  it('never echoes the token in its errors', () => {
    const secret = 'tok\u0001en-with-control-char-SECRET';
    try {
      clusterAccessFromKubeconfig(kubeconfig(good, { token: JSON.stringify(secret) }));
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toMatch(/auth\.token: token must be printable ASCII/);
      expect((err as Error).message).not.toContain('SECRET');
    }
    expect(() => clusterAccessFromKubeconfig('clusters: [unclosed')).toThrow('kubeconfig is not valid YAML');
    expect(() => clusterAccessFromKubeconfig(kubeconfig(good, { token: 't' }), 'other')).toThrow(
      'kubeconfig has no context named "other"',
    );
  });
});
