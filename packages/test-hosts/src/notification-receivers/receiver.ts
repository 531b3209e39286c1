// Local stand-ins for DingTalk, WeCom, Feishu, Slack and a generic JSON webhook receiver: small
// HTTP servers on 127.0.0.1 (ephemeral port) that check what each real service checks (the
// signature, the key in the URL, the JSON shape) and answer the way it answers, including its
// error bodies (DingTalk/WeCom errcode, Feishu code). They can be told to fail the next N
// requests with 500, or to answer slowly.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyDingtalk, verifyFeishu, verifyWharfWebhook } from './signatures.js';

export type ReceiverKind = 'dingtalk' | 'wecom' | 'feishu' | 'slack' | 'webhook';

export interface ReceivedMessage {
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  body: Record<string, unknown>;
  at: number;
}

export interface ReceiverOptions {
  kind: ReceiverKind;
  /** The signing secret the receiver checks (DingTalk, Feishu, webhook); none: unsigned accepted. */
  secret?: string;
  /** Fail this many requests first, with `failStatus` (default 500). */
  failTimes?: number;
  failStatus?: number;
}

export interface NotificationReceiver {
  kind: ReceiverKind;
  /** The URL to configure in Wharf (with the token/key where the service puts it). */
  url: string;
  /** Messages accepted (valid signature, right key). */
  received: ReceivedMessage[];
  /** Requests refused, with the reason (bad signature, wrong key, scripted failure). */
  refused: { reason: string; at: number }[];
  /** Every request that arrived, accepted or not. */
  readonly requests: number;
  /** Fail the next `n` requests with `status` (default 500). */
  failNext(n: number, status?: number): void;
  /** Wait this long before answering each request (a slow receiver). */
  setDelay(ms: number): void;
  /** Resolves when `n` messages were accepted (rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  stop(): Promise<void>;
}

const TOKEN = 'receiver-token-0123456789abcdef';

const PATHS: Record<ReceiverKind, string> = {
  dingtalk: `/robot/send?access_token=${TOKEN}`,
  wecom: `/cgi-bin/webhook/send?key=${TOKEN}`,
  feishu: `/open-apis/bot/v2/hook/${TOKEN}`,
  slack: `/services/T000/B000/${TOKEN}`,
  webhook: '/hooks/wharf',
};

type Answer = { status: number; body: unknown };

/** What the service answers to a message it checked: success or its documented refusal. */
function check(kind: ReceiverKind, secret: string | undefined, m: ReceivedMessage): Answer & { reason?: string } {
  const refuse = (status: number, body: unknown, reason: string) => ({ status, body, reason });
  switch (kind) {
    case 'dingtalk': {
      if (m.query.get('access_token') !== TOKEN)
        return refuse(200, { errcode: 300001, errmsg: 'token is not exist' }, 'token');
      if (secret) {
        const v = verifyDingtalk(m.query, secret);
        if (!v.ok) return refuse(200, { errcode: 310000, errmsg: v.reason }, v.reason);
      }
      const md = m.body.markdown as { title?: unknown; text?: unknown } | undefined;
      const ok =
        (m.body.msgtype === 'markdown' && typeof md?.title === 'string' && typeof md.text === 'string') ||
        (m.body.msgtype === 'text' && typeof (m.body.text as { content?: unknown } | undefined)?.content === 'string');
      if (!ok) return refuse(200, { errcode: 40035, errmsg: 'missing parameter' }, 'shape');
      return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
    }
    case 'wecom': {
      if (m.query.get('key') !== TOKEN) return refuse(200, { errcode: 93000, errmsg: 'invalid webhook url' }, 'key');
      const md = m.body.markdown as { content?: unknown } | undefined;
      const ok =
        (m.body.msgtype === 'markdown' && typeof md?.content === 'string') ||
        (m.body.msgtype === 'text' && typeof (m.body.text as { content?: unknown } | undefined)?.content === 'string');
      if (!ok) return refuse(200, { errcode: 40008, errmsg: 'invalid message type' }, 'shape');
      return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
    }
    case 'feishu': {
      if (secret) {
        const v = verifyFeishu(m.body, secret);
        if (!v.ok) return refuse(200, { code: 19021, msg: v.reason, data: {} }, v.reason);
      }
      const content = m.body.content as { text?: unknown; post?: unknown } | undefined;
      const ok =
        (m.body.msg_type === 'text' && typeof content?.text === 'string') ||
        (m.body.msg_type === 'post' && !!content?.post);
      if (!ok) return refuse(200, { code: 9499, msg: 'Bad Request', data: {} }, 'shape');
      return { status: 200, body: { code: 0, msg: 'success', data: {} } };
    }
    case 'slack': {
      if (typeof m.body.text !== 'string' && !Array.isArray(m.body.blocks)) return refuse(400, 'no_text', 'shape');
      return { status: 200, body: 'ok' };
    }
    case 'webhook': {
      if (secret) {
        const v = verifyWharfWebhook(m.headers, m.rawBody, secret);
        if (!v.ok) return refuse(401, { error: v.reason }, v.reason);
      }
      if (typeof m.headers['x-wharf-event'] !== 'string' || typeof m.body.event !== 'string')
        return refuse(400, { error: 'not a Wharf event' }, 'shape');
      return { status: 204, body: '' };
    }
  }
}

export async function startNotificationReceiver(opts: ReceiverOptions): Promise<NotificationReceiver> {
  const received: ReceivedMessage[] = [];
  const refused: { reason: string; at: number }[] = [];
  let failLeft = opts.failTimes ?? 0;
  let failStatus = opts.failStatus ?? 500;
  let delayMs = 0;
  let requests = 0;
  const waiters: { n: number; resolve: () => void }[] = [];

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests += 1;
      const answer = (a: Answer) => {
        const send = () => {
          const text = typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
          res.writeHead(a.status, { 'content-type': typeof a.body === 'string' ? 'text/plain' : 'application/json' });
          res.end(text);
        };
        if (delayMs > 0) setTimeout(send, delayMs);
        else send();
      };
      if (req.method !== 'POST') return answer({ status: 405, body: 'POST only' });
      if (failLeft > 0) {
        failLeft -= 1;
        refused.push({ reason: `scripted ${failStatus}`, at: Date.now() });
        return answer({ status: failStatus, body: { error: 'scripted failure' } });
      }
      const url = new URL(req.url ?? '/', 'http://receiver');
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(rawBody) as Record<string, unknown>;
      } catch {
        refused.push({ reason: 'not JSON', at: Date.now() });
        return answer({ status: 400, body: { error: 'body is not JSON' } });
      }
      const m: ReceivedMessage = {
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        rawBody,
        body,
        at: Date.now(),
      };
      const expectedPath = PATHS[opts.kind].split('?')[0];
      if (url.pathname !== expectedPath) {
        refused.push({ reason: `unknown path ${url.pathname}`, at: Date.now() });
        return answer({ status: 404, body: { error: 'not found' } });
      }
      const verdict = check(opts.kind, opts.secret, m);
      if (verdict.reason) refused.push({ reason: verdict.reason, at: Date.now() });
      else {
        received.push(m);
        for (const w of waiters.filter((x) => received.length >= x.n)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
      answer(verdict);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    kind: opts.kind,
    url: `http://127.0.0.1:${port}${PATHS[opts.kind]}`,
    received,
    refused,
    get requests() {
      return requests;
    },
    failNext(n, status = 500) {
      failLeft = n;
      failStatus = status;
    },
    setDelay(ms) {
      delayMs = ms;
    },
    async waitFor(n, timeoutMs = 30_000) {
      if (received.length < n) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () =>
              reject(
                new Error(
                  `${opts.kind} receiver got ${received.length} of ${n} messages (refused: ${JSON.stringify(refused)})`,
                ),
              ),
            timeoutMs,
          );
          waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
        });
      }
      return received;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
