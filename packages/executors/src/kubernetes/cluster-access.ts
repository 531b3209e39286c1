// How Wharf reaches a cluster: API server URL, the CA that signs its certificate, and a
// bearer token or client certificate. Built from a stored kubeconfig by reading only those
// fields: a kubeconfig can also ask a client to run programs (`exec`, auth providers), read
// local files (`token-file`, `certificate-authority`, `client-key`) or skip TLS checks, and
// Wharf refuses every one of them rather than let a credential act on the worker.
import { KubeConfig, loadYaml } from '@kubernetes/client-node';
import { z } from 'zod';
import { KeepAliveKubeConfig } from './keep-alive-kubeconfig.js';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/;
const PEM_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+-----END [A-Z ]*PRIVATE KEY-----/;

export const clusterAccessSchema = z.object({
  /** https://host[:port][/path], no credentials in it. */
  server: z
    .url({ protocol: /^https$/, error: 'server must be an https:// URL' })
    // Zod runs this even when the url check above refused the value (a failed check does not
    // stop the next one): a value URL cannot parse is that check's issue, not an exception
    // (which would answer a maintainer's bad kubeconfig with a 500).
    .refine((u) => {
      const url = URL.canParse(u) ? new URL(u) : null;
      return !url || (!url.username && !url.password);
    }, 'server must not contain credentials'),
  /** CA bundle (PEM) the API server's certificate must chain to. TLS is always verified. */
  caPem: z.string().regex(PEM_CERT, 'caPem must be a PEM certificate bundle'),
  auth: z.union([
    z.strictObject({
      token: z
        .string()
        .min(1)
        .max(16_384)
        .regex(/^[\x21-\x7e]+$/, 'token must be printable ASCII'),
    }),
    z.strictObject({
      clientCertPem: z.string().regex(PEM_CERT, 'clientCertPem must be a PEM certificate'),
      clientKeyPem: z.string().regex(PEM_KEY, 'clientKeyPem must be a PEM private key'),
    }),
  ]),
});
export type ClusterAccess = z.infer<typeof clusterAccessSchema>;

export class KubeconfigError extends Error {}

const REFUSED_CLUSTER_FIELDS: Record<string, string> = {
  'insecure-skip-tls-verify': 'insecure-skip-tls-verify is refused: Wharf always verifies the API server certificate',
  'certificate-authority': 'certificate-authority (a file path) is refused: paste the CA as certificate-authority-data',
  'proxy-url': 'proxy-url is refused: Wharf connects to the API server directly',
};
const REFUSED_USER_FIELDS: Record<string, string> = {
  exec: 'exec (running a program to get a token) is refused: use a service account token',
  'auth-provider': 'auth-provider is refused: use a service account token',
  'token-file': 'token-file (a file path) is refused: put the token itself in token',
  'client-certificate': 'client-certificate (a file path) is refused: use client-certificate-data',
  'client-key': 'client-key (a file path) is refused: use client-key-data',
  username: 'username/password (basic auth) is refused: use a token or a client certificate',
  password: 'username/password (basic auth) is refused: use a token or a client certificate',
  as: 'impersonation (as) is refused',
  'as-groups': 'impersonation (as-groups) is refused',
  'as-uid': 'impersonation (as-uid) is refused',
};

type Named = { name?: unknown; [k: string]: unknown };

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function findNamed(list: unknown, name: string, what: string): Record<string, unknown> {
  const entry = Array.isArray(list) ? (list as Named[]).find((e) => record(e)?.name === name) : undefined;
  if (!entry) throw new KubeconfigError(`kubeconfig has no ${what} named "${name}"`);
  return entry;
}

function decodeBase64(v: unknown, field: string): string {
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/=\s]+$/.test(v)) throw new KubeconfigError(`${field} must be base64`);
  return Buffer.from(v, 'base64').toString('utf8');
}

/**
 * The cluster and user of the kubeconfig's current context (or `context`), as a
 * ClusterAccess. Throws KubeconfigError naming the refused or missing field; the message
 * never contains a secret.
 */
export function clusterAccessFromKubeconfig(text: string, context?: string): ClusterAccess {
  let doc: unknown;
  try {
    doc = loadYaml(text);
  } catch {
    throw new KubeconfigError('kubeconfig is not valid YAML');
  }
  const root = record(doc);
  if (!root) throw new KubeconfigError('kubeconfig must be a YAML mapping');
  const ctxName = context ?? root['current-context'];
  if (typeof ctxName !== 'string' || !ctxName) throw new KubeconfigError('kubeconfig has no current-context');
  const ctx = record(findNamed(root.contexts, ctxName, 'context').context);
  if (typeof ctx?.cluster !== 'string' || typeof ctx.user !== 'string') {
    throw new KubeconfigError(`context "${ctxName}" must name a cluster and a user`);
  }
  const cluster = record(findNamed(root.clusters, ctx.cluster, 'cluster').cluster) ?? {};
  const user = record(findNamed(root.users, ctx.user, 'user').user) ?? {};
  for (const [field, why] of Object.entries(REFUSED_CLUSTER_FIELDS)) {
    if (cluster[field] !== undefined && cluster[field] !== false && cluster[field] !== null)
      throw new KubeconfigError(why);
  }
  for (const [field, why] of Object.entries(REFUSED_USER_FIELDS)) {
    if (user[field] !== undefined && user[field] !== null) throw new KubeconfigError(why);
  }
  if (cluster['certificate-authority-data'] === undefined) {
    throw new KubeconfigError('certificate-authority-data is required: Wharf verifies the API server against that CA');
  }
  const candidate = {
    server: cluster.server,
    caPem: decodeBase64(cluster['certificate-authority-data'], 'certificate-authority-data'),
    auth:
      user.token !== undefined
        ? { token: user.token }
        : user['client-certificate-data'] !== undefined || user['client-key-data'] !== undefined
          ? {
              clientCertPem: decodeBase64(user['client-certificate-data'], 'client-certificate-data'),
              clientKeyPem: decodeBase64(user['client-key-data'], 'client-key-data'),
            }
          : undefined,
  };
  if (!candidate.auth) throw new KubeconfigError('the user needs a token or client-certificate-data + client-key-data');
  const r = clusterAccessSchema.safeParse(candidate);
  if (!r.success) {
    // Name the field, never echo its value.
    throw new KubeconfigError(
      `kubeconfig is invalid: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return r.data;
}

/**
 * A client-node KubeConfig holding exactly this access, nothing read from disk or env. Its
 * requests share keep-alive connections (see keep-alive-kubeconfig.ts).
 */
export function kubeConfigFor(access: ClusterAccess): KubeConfig {
  const kc = new KeepAliveKubeConfig(
    'token' in access.auth
      ? { ca: access.caPem }
      : { ca: access.caPem, cert: access.auth.clientCertPem, key: access.auth.clientKeyPem },
  );
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  kc.loadFromOptions({
    clusters: [
      { name: 'wharf', server: access.server.replace(/\/$/, ''), caData: b64(access.caPem), skipTLSVerify: false },
    ],
    users: [
      'token' in access.auth
        ? { name: 'wharf', token: access.auth.token }
        : { name: 'wharf', certData: b64(access.auth.clientCertPem), keyData: b64(access.auth.clientKeyPem) },
    ],
    contexts: [{ name: 'wharf', cluster: 'wharf', user: 'wharf' }],
    currentContext: 'wharf',
  });
  return kc;
}

/** Text that must never appear in a log line or error message. */
export function secretsOf(access: ClusterAccess): string[] {
  return 'token' in access.auth ? [access.auth.token] : [access.auth.clientKeyPem];
}
