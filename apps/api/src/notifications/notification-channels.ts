// What each chat service wants: the request (URL, headers, body) for one release message, signed
// the way that service documents it. Pure functions of (message, url, secret, now).
import { createHmac } from 'node:crypto';
import type { NotificationChannel, ReleaseEvent } from '@wharf/shared';

/** One release event, as people read it. */
export interface ReleaseMessage {
  deliveryId: string;
  event: ReleaseEvent | 'test';
  project: { slug: string; name: string };
  environment: string | null;
  version: string | null;
  fromVersion: string | null;
  /** Who did this step (the requester, an approver, or the worker). */
  actor: string;
  requestedBy: string | null;
  /** The deployment's state when the message was built. */
  state: string | null;
  /** Link to the deployment page (WHARF_PUBLIC_URL based). */
  url: string | null;
  /** A reason (override, rejection comment) or an error, when the event has one. */
  detail: string | null;
  at: Date;
}

export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

const HEADLINES: Record<ReleaseMessage['event'], (m: ReleaseMessage) => string> = {
  requested: (m) => `${m.actor} requested ${m.version} for ${m.environment}`,
  awaiting_approval: (m) => `${m.version} for ${m.environment} is waiting for approval`,
  approved: (m) => `${m.actor} approved ${m.version} for ${m.environment}`,
  rejected: (m) => `${m.actor} rejected ${m.version} for ${m.environment}`,
  started: (m) => `Releasing ${m.version} to ${m.environment}`,
  succeeded: (m) => `${m.version} released to ${m.environment}`,
  failed: (m) => `Release of ${m.version} to ${m.environment} failed`,
  rolled_back: (m) => `${m.environment} rolled back to ${m.version}`,
  freeze_override: (m) => `${m.actor} released ${m.version} to ${m.environment} during a freeze`,
  test: () => 'Test message from Wharf',
};

const ICONS: Record<ReleaseMessage['event'], string> = {
  requested: '📝',
  awaiting_approval: '⏳',
  approved: '👍',
  rejected: '⛔',
  started: '🚀',
  succeeded: '✅',
  failed: '❌',
  rolled_back: '↩️',
  freeze_override: '🧊',
  test: '🔔',
};

export function headline(m: ReleaseMessage): string {
  return `${ICONS[m.event]} [${m.project.name}] ${HEADLINES[m.event](m)}`;
}

/** The facts below the headline, as label/value pairs (empty values left out). */
function facts(m: ReleaseMessage): [string, string][] {
  const rows: [string, string | null][] = [
    ['Environment', m.environment],
    ['Version', m.fromVersion && m.version ? `${m.fromVersion} → ${m.version}` : m.version],
    ['Requested by', m.requestedBy],
    ['State', m.state],
    ['Detail', m.detail],
  ];
  return rows.filter((r): r is [string, string] => !!r[1]);
}

export function plainText(m: ReleaseMessage): string {
  const lines = [headline(m), ...facts(m).map(([k, v]) => `${k}: ${v}`)];
  if (m.url) lines.push(m.url);
  return lines.join('\n');
}

function markdown(m: ReleaseMessage): string {
  const lines = [`**${headline(m)}**`, '', ...facts(m).map(([k, v]) => `- ${k}: ${v}`)];
  if (m.url) lines.push('', `[Open the deployment](${m.url})`);
  return lines.join('\n');
}

/**
 * DingTalk custom robot ("加签"): string to sign = timestamp (ms) + "\n" + secret, HMAC-SHA256
 * keyed with the secret, base64, then URL-encoded, appended as &timestamp=&sign= to the
 * webhook URL; DingTalk refuses a timestamp more than an hour off.
 * (open.dingtalk.com, custom robot security settings; the docs' Java and Python samples.)
 */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/**
 * Feishu/Lark custom bot signature check: timestamp (s) + "\n" + secret is the HMAC-SHA256
 * KEY, the message is empty; base64. Sent in the body as "timestamp" and "sign".
 * (open.feishu.cn, custom bot guide, "signature verification" Python sample.)
 */
export function feishuSign(secret: string, timestampSec: number): string {
  return createHmac('sha256', `${timestampSec}\n${secret}`).update('').digest('base64');
}

/** Generic webhook: hex HMAC-SHA256 over `${timestamp}.${body}` (as Stripe-style receivers check). */
export function webhookSignature(secret: string, timestampSec: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampSec}.${body}`).digest('hex');
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

export function buildRequest(
  channel: NotificationChannel,
  m: ReleaseMessage,
  url: string,
  secret: string | null,
  now: Date,
): OutboundRequest {
  switch (channel) {
    case 'dingtalk': {
      let target = url;
      if (secret) {
        const ts = now.getTime();
        const sep = url.includes('?') ? '&' : '?';
        target = `${url}${sep}timestamp=${ts}&sign=${encodeURIComponent(dingtalkSign(secret, ts))}`;
      }
      const body = { msgtype: 'markdown', markdown: { title: headline(m), text: markdown(m) } };
      return { url: target, headers: JSON_HEADERS, body: JSON.stringify(body) };
    }
    case 'wecom': {
      // WeCom group robot: the key is in the URL, nothing is signed; markdown content up to 4096 bytes.
      const body = { msgtype: 'markdown', markdown: { content: markdown(m) } };
      return { url, headers: JSON_HEADERS, body: JSON.stringify(body) };
    }
    case 'feishu': {
      const body: Record<string, unknown> = { msg_type: 'text', content: { text: plainText(m) } };
      if (secret) {
        const ts = Math.floor(now.getTime() / 1000);
        body.timestamp = String(ts);
        body.sign = feishuSign(secret, ts);
      }
      return { url, headers: JSON_HEADERS, body: JSON.stringify(body) };
    }
    case 'slack': {
      // Slack incoming webhook: the URL is the secret; `text` is the fallback for notifications.
      const fields = facts(m).map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${v}` }));
      const body = {
        text: plainText(m),
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `*${headline(m)}*` } },
          ...(fields.length ? [{ type: 'section', fields }] : []),
          ...(m.url
            ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `<${m.url}|Open the deployment>` }] }]
            : []),
        ],
      };
      return { url, headers: JSON_HEADERS, body: JSON.stringify(body) };
    }
    case 'webhook': {
      const ts = Math.floor(now.getTime() / 1000);
      const body = JSON.stringify({
        event: m.event,
        project: m.project,
        environment: m.environment,
        version: m.version,
        fromVersion: m.fromVersion,
        actor: m.actor,
        requestedBy: m.requestedBy,
        state: m.state,
        detail: m.detail,
        url: m.url,
        at: m.at.toISOString(),
        text: headline(m),
      });
      const headers: Record<string, string> = {
        ...JSON_HEADERS,
        'x-wharf-event': m.event,
        'x-wharf-delivery': m.deliveryId,
        'x-wharf-timestamp': String(ts),
      };
      if (secret) headers['x-wharf-signature'] = `sha256=${webhookSignature(secret, ts, body)}`;
      return { url, headers, body };
    }
  }
}

/**
 * Chat services answer 200 with an error code in the body (DingTalk/WeCom errcode, Feishu
 * code); a 200 with an error is a failure too. Returns the problem or null.
 */
export function responseProblem(channel: NotificationChannel, status: number, text: string): string | null {
  if (status < 200 || status >= 300) return `the receiver answered ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
  if (channel === 'slack' || channel === 'webhook') return null;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
  const code = channel === 'feishu' ? (body.code ?? body.StatusCode) : body.errcode;
  if (code === undefined || code === 0) return null;
  const msg = channel === 'feishu' ? (body.msg ?? body.StatusMessage) : body.errmsg;
  return `the receiver refused the message: ${String(code)} ${typeof msg === 'string' ? msg.slice(0, 200) : ''}`.trim();
}
