// client-node (1.3) makes a new https.Agent for every request and watch, so each one pays a
// new TCP connection and a full TLS handshake. A release makes several requests per
// workload, in turn, on a busy worker: this KubeConfig hands them keep-alive agents instead,
// so they reuse connections. Same TLS material and checks as client-node's, parsed once: a
// new connection with a `ca` option parses the CA bundle again, which on a busy worker costs
// more than the handshake. Watches get their own pool: a watch holds its connection for
// minutes, and the next call (the patch, right after the baseline lists) should find a free
// one instead of waiting for a handshake.
import { Agent } from 'node:https';
import type { Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';

type HttpsOptions = Parameters<KubeConfig['applyToHTTPSOptions']>[0];

/** An idle pooled connection is closed after this long (the worker runs for days). */
export const IDLE_CONNECTION_MS = 10_000;

export interface AgentTls {
  ca: string;
  cert?: string;
  key?: string;
}

function keepAliveAgent(secureContext: SecureContext): Agent {
  const agent = new Agent({ secureContext, keepAlive: true, rejectUnauthorized: true });
  // Node resets a freed socket's timeout to the agent's (none); a timeout on a free socket
  // destroys it. On an active request it only emits 'timeout', which nothing acts on.
  agent.on('free', (socket: Socket) => socket.setTimeout(IDLE_CONNECTION_MS));
  return agent;
}

export class KeepAliveKubeConfig extends KubeConfig {
  private readonly calls: Agent;
  private readonly watches: Agent;

  constructor(tls: AgentTls) {
    super();
    const secureContext = createSecureContext(tls);
    this.calls = keepAliveAgent(secureContext);
    this.watches = keepAliveAgent(secureContext);
  }

  /** API calls (generated clients). */
  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    context.setAgent(this.calls);
  }

  /** Watches (client-node's Watch builds its request from these options). */
  override async applyToHTTPSOptions(opts: HttpsOptions): Promise<void> {
    await super.applyToHTTPSOptions(opts);
    opts.agent = this.watches;
  }
}
