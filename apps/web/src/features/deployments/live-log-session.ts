// The client side of the live log protocol for one deployment, independent of React:
// subscribe on every (re)connect with the last seq we hold, merge what arrives into the
// buffer (overlap dropped, gaps re-requested), pass status pushes on.
import type { DeploymentView } from '@wharf/shared';
import type { LiveConnection } from '../../api/live/live-connection';
import type { LogBuffer } from './log-buffer';

export type LiveState =
  | { kind: 'connecting' }
  | { kind: 'live' }
  /** Lost the connection; socket.io is retrying. */
  | { kind: 'reconnecting'; message?: string }
  /** The server refused or ended it (signed out, not allowed): only a manual retry helps. */
  | { kind: 'stopped'; message?: string };

export interface LiveLogHandlers {
  onStatus: (view: DeploymentView) => void;
  onState: (state: LiveState) => void;
  /** After a reconnection: whatever the socket may have missed should be fetched again. */
  onReconnected: () => void;
}

export class LiveLogSession {
  private connects = 0;
  /** lastSeq we last asked a resubscribe from after a gap, so one gap asks once. */
  private resubscribedAfter: number | null = null;
  private stopped = false;

  constructor(
    private readonly conn: LiveConnection,
    private readonly deploymentId: string,
    private readonly buffer: LogBuffer,
    private readonly handlers: LiveLogHandlers,
  ) {}

  start(): void {
    const { conn } = this;
    conn.onConnect(() => {
      if (this.stopped) return;
      this.connects++;
      this.subscribe();
      this.handlers.onState({ kind: 'live' });
      if (this.connects > 1) this.handlers.onReconnected();
    });
    conn.onDisconnect((willRetry) => {
      if (this.stopped) return;
      this.handlers.onState(willRetry ? { kind: 'reconnecting' } : { kind: 'stopped' });
    });
    conn.onConnectError((message, willRetry) => {
      if (this.stopped) return;
      this.handlers.onState(willRetry ? { kind: 'reconnecting', message } : { kind: 'stopped', message });
    });
    conn.onLines((payload) => {
      if (this.stopped || payload.deploymentId !== this.deploymentId) return;
      const result = this.buffer.merge(payload.lines);
      if (result.gap && this.resubscribedAfter !== this.buffer.lastSeq) {
        // Lines went missing in between: ask again from what we hold; the server backfills.
        this.subscribe();
      }
    });
    conn.onStatus((view) => {
      if (!this.stopped && view.id === this.deploymentId) this.handlers.onStatus(view);
    });
    conn.onError((payload) => {
      if (this.stopped || (payload.deploymentId !== undefined && payload.deploymentId !== this.deploymentId)) return;
      this.handlers.onState({ kind: 'stopped', message: payload.message });
    });
    this.handlers.onState({ kind: 'connecting' });
    if (conn.connected) {
      this.connects++;
      this.subscribe();
      this.handlers.onState({ kind: 'live' });
    }
  }

  /** After the server gave up on us (or we on it): connect again and resubscribe. */
  retry(): void {
    if (this.stopped) return;
    this.handlers.onState({ kind: 'connecting' });
    if (this.conn.connected) this.subscribe();
    else this.conn.reconnect();
    if (this.conn.connected) this.handlers.onState({ kind: 'live' });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.conn.connected) this.conn.unsubscribe(this.deploymentId);
    this.conn.close();
  }

  private subscribe(): void {
    this.resubscribedAfter = this.buffer.lastSeq;
    this.conn.subscribe({ deploymentId: this.deploymentId, afterSeq: this.buffer.lastSeq });
  }
}
