// The senders' signatures, checked by the receivers of @wharf/test-hosts (written from the
// vendors' docs), and the release-event mapping the outbox uses.
import { releaseEventOf } from '@wharf/shared';
import { verifyDingtalk, verifyFeishu, verifyWharfWebhook } from '@wharf/test-hosts';
import { describe, expect, it } from 'vitest';
import { buildRequest, responseProblem, type ReleaseMessage } from './notification-channels.js';

const message: ReleaseMessage = {
  deliveryId: 'd-1',
  event: 'succeeded',
  project: { slug: 'shop', name: 'Shop' },
  environment: 'prod',
  version: 'v2',
  fromVersion: 'v1',
  actor: 'worker:1',
  requestedBy: 'ann@example.com',
  state: 'succeeded',
  url: 'https://wharf.example.com/projects/shop/deployments/x',
  detail: null,
  at: new Date('2026-12-01T00:00:00Z'),
};
const now = new Date('2026-12-01T00:00:05Z');

describe('signed requests', () => {
  it('DingTalk: timestamp and sign in the query', () => {
    const r = buildRequest('dingtalk', message, 'https://oapi.dingtalk.com/robot/send?access_token=t', 'SECx', now);
    const url = new URL(r.url);
    expect(url.searchParams.get('access_token')).toBe('t');
    expect(verifyDingtalk(url.searchParams, 'SECx', now.getTime())).toEqual({ ok: true });
    expect(JSON.parse(r.body)).toMatchObject({
      msgtype: 'markdown',
      markdown: { title: expect.stringContaining('v2') },
    });
  });

  it('Feishu: timestamp and sign in the body', () => {
    const r = buildRequest('feishu', message, 'https://open.feishu.cn/open-apis/bot/v2/hook/t', 'sec', now);
    const body = JSON.parse(r.body) as Record<string, unknown>;
    expect(verifyFeishu(body, 'sec', now.getTime())).toEqual({ ok: true });
    expect(body.msg_type).toBe('text');
  });

  it('generic webhook: HMAC header over timestamp and body', () => {
    const r = buildRequest('webhook', message, 'https://hooks.example.com/w', 'whsec', now);
    expect(verifyWharfWebhook(r.headers, r.body, 'whsec', now.getTime())).toEqual({ ok: true });
    expect(verifyWharfWebhook(r.headers, r.body.replace('v2', 'v3'), 'whsec', now.getTime()).ok).toBe(false);
    expect(r.headers['x-wharf-delivery']).toBe('d-1');
  });

  it('a chat service error in a 200 answer is a failure', () => {
    expect(responseProblem('dingtalk', 200, '{"errcode":0,"errmsg":"ok"}')).toBeNull();
    expect(responseProblem('wecom', 200, '{"errcode":93000,"errmsg":"invalid webhook url"}')).toContain('93000');
    expect(responseProblem('feishu', 200, '{"code":19021,"msg":"sign match fail"}')).toContain('19021');
    expect(responseProblem('slack', 404, 'no_service')).toBe('the receiver answered 404: no_service');
  });
});

describe('releaseEventOf', () => {
  it('maps release audit actions, a succeeded rollback to rolled_back, and nothing else', () => {
    expect(releaseEventOf('deployment.requested', 'manual')).toBe('requested');
    expect(releaseEventOf('deployment.rollback_requested', 'rollback')).toBe('requested');
    expect(releaseEventOf('deployment.succeeded', 'rollback')).toBe('rolled_back');
    expect(releaseEventOf('deployment.succeeded', 'webhook')).toBe('succeeded');
    expect(releaseEventOf('deployment.failed', 'rollback')).toBe('failed');
    expect(releaseEventOf('deployment.freeze_overridden', null)).toBe('freeze_override');
    expect(releaseEventOf('deployment.awaiting_approval', null)).toBe('awaiting_approval');
    expect(releaseEventOf('deployment.cancelled', null)).toBeNull();
    expect(releaseEventOf('project.updated', null)).toBeNull();
  });
});
