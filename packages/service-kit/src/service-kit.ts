// The kit a deployed Node service adds so Wharf can restart it one instance at a time:
// a health endpoint, a guarded restart endpoint, graceful drain, and Consul self-registration.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ConsulRegistration, type ConsulSettings } from './consul-registration.js';
import { drainServer } from './drain.js';
import { instanceIdFor, type Env } from './instance-id.js';
import { secretsEqual } from './secret-compare.js';

export type KitState = 'starting' | 'ready' | 'draining';

/** A dependency check: true (or a resolved true) when the dependency is usable. */
export type DependencyCheck = () => boolean | Promise<boolean>;

export interface ServiceKitOptions {
  /** Consul service name. */
  service: string;
  /** Port this instance listens on (registered in Consul). */
  port: number;
  /** Address others reach this instance at. Default: $POD_IP (Kubernetes downward API), else 127.0.0.1. */
  address?: string;
  /** Default /health. */
  healthPath?: string;
  /** Default /-/restart. */
  restartPath?: string;
  /** The environment's restart secret (at least 16 characters). Default: $WHARF_RESTART_SECRET. Without one the restart endpoint is off. */
  restartSecret?: string;
  /** The restart endpoint is off when NODE_ENV=production unless this is true. */
  allowRestartInProduction?: boolean;
  /** Dependency checks run on every health request; any false (or throw, or > checkTimeoutMs) = not ready. */
  checks?: Record<string, DependencyCheck>;
  checkTimeoutMs?: number;
  /** Register in Consul at start(), deregister at shutdown. */
  consul?: ConsulSettings;
  /** Default: from POD_NAME + POD_NAMESPACE, else host name and port. */
  instanceId?: string;
  drain?: {
    /** After deregistering, keep serving this long so load balancers drop the instance. Default 5000. */
    deregisterGraceMs?: number;
    /** Longest wait for requests in flight. Default 30000. */
    timeoutMs?: number;
  };
  /** Exit once drained (the orchestrator or pm2 starts a fresh instance). Default true. */
  exitAfterShutdown?: boolean;
  /** Drain and exit on SIGTERM and SIGINT. Default true. */
  handleSignals?: boolean;
  /** Where NODE_ENV, POD_* and WHARF_RESTART_SECRET are read. Default process.env. */
  env?: Env;
  log?: (message: string) => void;
}

export interface ServiceKit {
  readonly instanceId: string;
  readonly state: KitState;
  /** For plain node:http: answers the health and restart paths and returns true; false for anything else. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Call once `server` listens: marks the instance ready, then registers it in Consul. */
  start(server: Server): Promise<void>;
  /** Not ready, deregister, wait the grace, drain, exit. Safe to call more than once. */
  shutdown(reason: string): Promise<void>;
}

export const MIN_SECRET_LENGTH = 16;

function normalPath(p: string, what: string): string {
  if (!/^\/[A-Za-z0-9._/-]*$/.test(p)) throw new Error(`service-kit: ${what} must be a path like /health`);
  return p;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  return m ? m[1]!.trim() : null;
}

export function createServiceKit(o: ServiceKitOptions): ServiceKit {
  const env: Env = o.env ?? process.env;
  const log = o.log ?? ((m: string) => console.log(`[service-kit] ${m}`));
  const healthPath = normalPath(o.healthPath ?? '/health', 'healthPath');
  const restartPath = normalPath(o.restartPath ?? '/-/restart', 'restartPath');
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) throw new Error('service-kit: port must be 1-65535');
  const secret = o.restartSecret ?? env.WHARF_RESTART_SECRET ?? null;
  if (secret !== null && secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`service-kit: the restart secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const production = env.NODE_ENV === 'production';
  const restartDisabled: string | null =
    secret === null
      ? 'no restart secret is configured'
      : production && !o.allowRestartInProduction
        ? 'restart is off in production (allowRestartInProduction is not set)'
        : null;
  const instanceId = o.instanceId ?? instanceIdFor(o.service, o.port, env);
  const address = o.address ?? env.POD_IP ?? '127.0.0.1';
  const graceMs = o.drain?.deregisterGraceMs ?? 5000;
  const drainTimeoutMs = o.drain?.timeoutMs ?? 30_000;
  const consul = o.consul ? new ConsulRegistration(o.consul, log) : null;
  // Changes on every process start, so a watcher can tell a new registration from the old one.
  const boot = randomBytes(8).toString('hex');

  let state: KitState = 'starting';
  let server: Server | null = null;
  let shutdownPromise: Promise<void> | null = null;

  async function failingChecks(): Promise<string[]> {
    const entries = Object.entries(o.checks ?? {});
    const timeoutMs = o.checkTimeoutMs ?? 2000;
    const results = await Promise.all(
      entries.map(async ([name, check]) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          const ok = await Promise.race([
            Promise.resolve().then(check),
            new Promise<boolean>((resolve) => {
              timer = setTimeout(() => resolve(false), timeoutMs);
            }),
          ]);
          return ok === true ? null : name;
        } catch {
          return name;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return results.filter((n): n is string => n !== null);
  }

  async function answerHealth(res: ServerResponse): Promise<void> {
    if (state !== 'ready') {
      send(res, 503, { status: state, instance: instanceId });
      return;
    }
    const failing = await failingChecks();
    // Shutdown may have started while the checks ran.
    const now: KitState = state;
    if (now !== 'ready' || failing.length) {
      send(res, 503, { status: now === 'ready' ? 'not_ready' : now, instance: instanceId, failing });
      return;
    }
    send(res, 200, { status: 'ready', instance: instanceId });
  }

  function answerRestart(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'POST') {
      send(res, 405, { error: 'method_not_allowed' }, { allow: 'POST' });
      return;
    }
    if (restartDisabled !== null || secret === null) {
      send(res, 403, { error: 'restart_disabled', message: restartDisabled });
      return;
    }
    const given = bearer(req);
    if (given === null) {
      send(
        res,
        401,
        { error: 'secret_required', message: 'send Authorization: Bearer <restart secret>' },
        {
          'www-authenticate': 'Bearer',
        },
      );
      return;
    }
    if (!secretsEqual(given, secret)) {
      send(res, 403, { error: 'wrong_secret' });
      return;
    }
    send(res, 200, { status: 'restarting', instance: instanceId }, { connection: 'close' });
    log(`restart requested by ${req.socket.remoteAddress ?? 'unknown'}`);
    void kit.shutdown('restart requested');
  }

  const kit: ServiceKit = {
    instanceId,
    get state() {
      return state;
    },
    handle(req, res) {
      const path = (req.url ?? '/').split('?')[0];
      // While draining, every answer tells the client not to reuse the connection.
      if (state === 'draining' && !res.headersSent) res.setHeader('connection', 'close');
      if (path === healthPath && (req.method === 'GET' || req.method === 'HEAD')) {
        void answerHealth(res).catch(() => send(res, 503, { status: 'not_ready' }));
        return true;
      }
      if (path === restartPath) {
        answerRestart(req, res);
        return true;
      }
      return false;
    },
    async start(s) {
      if (server) throw new Error('service-kit: start() was already called');
      server = s;
      if (o.handleSignals ?? true) {
        for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => void kit.shutdown(sig));
      }
      state = 'ready';
      log(
        `${instanceId} ready (${restartDisabled ? `restart endpoint off: ${restartDisabled}` : 'restart endpoint on'})`,
      );
      if (consul) {
        await consul.register({
          id: instanceId,
          service: o.service,
          address,
          port: o.port,
          healthUrl: `http://${address.includes(':') ? `[${address}]` : address}:${o.port}${healthPath}`,
          meta: { instance_boot: boot, started_at: new Date().toISOString() },
        });
      }
    },
    shutdown(reason) {
      shutdownPromise ??= (async () => {
        state = 'draining';
        log(`shutting down (${reason}): not ready from now on`);
        if (consul) await consul.deregisterEverywhere(instanceId);
        if (server) {
          // Keep serving while load balancers learn that this instance is gone.
          if (graceMs > 0) await new Promise((r) => setTimeout(r, graceMs));
          const outcome = await drainServer(server, drainTimeoutMs);
          log(outcome === 'drained' ? 'drained' : `drain timed out after ${drainTimeoutMs} ms; closed the rest`);
        }
        if (o.exitAfterShutdown ?? true) process.exit(0);
      })();
      return shutdownPromise;
    },
  };
  return kit;
}
