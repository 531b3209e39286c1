// A scripted LiveConnection: tests play the server (connect, send lines and status, drop
// the connection) and read back what the client subscribed with.
import type { LinesPayload, LogLineView, StatusPayload, SubscribePayload } from '@wharf/shared';
import type { LiveConnection, LiveErrorPayload } from '../api/live/live-connection';

type Listeners = {
  connect: (() => void)[];
  disconnect: ((willRetry: boolean) => void)[];
  connectError: ((message: string, willRetry: boolean) => void)[];
  lines: ((p: LinesPayload) => void)[];
  status: ((p: StatusPayload) => void)[];
  error: ((p: LiveErrorPayload) => void)[];
};

export class FakeLive implements LiveConnection {
  connected = false;
  closed = false;
  readonly subscriptions: SubscribePayload[] = [];
  readonly unsubscriptions: string[] = [];
  reconnectCalls = 0;
  private readonly l: Listeners = { connect: [], disconnect: [], connectError: [], lines: [], status: [], error: [] };

  onConnect(fn: () => void) {
    this.l.connect.push(fn);
  }
  onDisconnect(fn: (willRetry: boolean) => void) {
    this.l.disconnect.push(fn);
  }
  onConnectError(fn: (message: string, willRetry: boolean) => void) {
    this.l.connectError.push(fn);
  }
  onLines(fn: (p: LinesPayload) => void) {
    this.l.lines.push(fn);
  }
  onStatus(fn: (p: StatusPayload) => void) {
    this.l.status.push(fn);
  }
  onError(fn: (p: LiveErrorPayload) => void) {
    this.l.error.push(fn);
  }
  subscribe(payload: SubscribePayload) {
    this.subscriptions.push(payload);
  }
  unsubscribe(deploymentId: string) {
    this.unsubscriptions.push(deploymentId);
  }
  reconnect() {
    this.reconnectCalls++;
  }
  close() {
    this.closed = true;
    this.connected = false;
  }

  // --- the server's side ---
  serverConnect() {
    this.connected = true;
    for (const fn of this.l.connect) fn();
  }
  serverDrop(willRetry = true) {
    this.connected = false;
    for (const fn of this.l.disconnect) fn(willRetry);
  }
  serverRefuse(message: string) {
    for (const fn of this.l.connectError) fn(message, false);
  }
  sendLines(deploymentId: string, lines: LogLineView[]) {
    for (const fn of this.l.lines) fn({ deploymentId, lines });
  }
  sendStatus(view: StatusPayload) {
    for (const fn of this.l.status) fn(view);
  }
  sendError(payload: LiveErrorPayload) {
    for (const fn of this.l.error) fn(payload);
  }
}

/** A factory that records every connection it opens (StrictMode or remounts open several). */
export function fakeLiveFactory() {
  const opened: FakeLive[] = [];
  const factory = () => {
    const c = new FakeLive();
    opened.push(c);
    return c;
  };
  return { factory, opened, latest: () => opened[opened.length - 1]! };
}

export function line(seq: number, text = `line ${seq}`, extra: Partial<LogLineView> = {}): LogLineView {
  return { seq, targetId: null, stream: 'stdout', at: '2025-06-01T12:00:00.000Z', text, ...extra };
}

export const lines = (from: number, to: number, extra: Partial<LogLineView> = {}) =>
  Array.from({ length: to - from + 1 }, (_, i) => line(from + i, `line ${from + i}`, extra));
