import { hostname } from 'node:os';

export type Env = Readonly<Record<string, string | undefined>>;

const clean = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '-');

/**
 * The Consul service id of this instance. In Kubernetes it comes from the pod's name and
 * namespace (downward API: POD_NAME, POD_NAMESPACE): stable while the pod lives, across
 * process restarts, and distinct for every pod of a Deployment, so no StatefulSet is needed.
 * Elsewhere host name and port tell instances on one machine apart.
 */
export function instanceIdFor(service: string, port: number, env: Env, host: string = hostname()): string {
  if (env.POD_NAME) return clean(`${service}-${env.POD_NAMESPACE || 'default'}-${env.POD_NAME}`);
  return clean(`${service}-${host}-${port}`);
}
