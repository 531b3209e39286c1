import { describe, expect, it } from 'vitest';
import { errorResponse, installFakeApi, json } from '../test/fake-api';
import { api, ApiError, buildUrl, toErrorView } from './client';

describe('toErrorView', () => {
  it('keeps the server ErrorView with its issues', () => {
    const body = JSON.stringify({
      statusCode: 400,
      error: 'Bad Request',
      message: 'validation failed',
      issues: [{ path: 'config.host', message: 'host must be a DNS name or an IP address' }],
    });
    expect(toErrorView(400, 'Bad Request', body)).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'validation failed',
      issues: [{ path: 'config.host', message: 'host must be a DNS name or an IP address' }],
    });
  });

  it('joins array paths and array messages (Nest defaults)', () => {
    const body = JSON.stringify({
      statusCode: 400,
      message: ['a is bad', 'b is bad'],
      issues: [{ path: ['config', 'port'], message: 'too big' }],
    });
    const view = toErrorView(400, 'Bad Request', body);
    expect(view.message).toBe('a is bad; b is bad');
    expect(view.issues).toEqual([{ path: 'config.port', message: 'too big' }]);
    expect(view.error).toBe('Bad Request');
  });

  it('survives non-JSON bodies from proxies', () => {
    expect(toErrorView(502, 'Bad Gateway', '<html>nginx</html>').message).toBe('Bad Gateway');
    expect(toErrorView(503, 'Service Unavailable', 'upstream down').message).toBe('upstream down');
    expect(toErrorView(500, '', '').message).toBe('HTTP 500');
  });
});

describe('api()', () => {
  it('throws an ApiError carrying status, message and field errors', async () => {
    installFakeApi({
      'POST /api/v1/projects': () => errorResponse(409, 'slug "shop" is taken', [{ path: 'slug', message: 'taken' }]),
    });
    const err = await api('/projects', { method: 'POST', body: { slug: 'shop' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const apiErr = err as ApiError;
    expect(apiErr.statusCode).toBe(409);
    expect(apiErr.message).toBe('slug "shop" is taken');
    expect(apiErr.fieldErrors()).toEqual({ slug: 'taken' });
  });

  it('sends JSON with same-origin credentials and parses JSON answers', async () => {
    const { calls } = installFakeApi({ 'PATCH /api/v1/projects/a%20b': ({ body }) => json({ echoed: body }) });
    const out = await api<{ echoed: unknown }>('/projects/a%20b', { method: 'PATCH', body: { name: 'x' } });
    expect(out).toEqual({ echoed: { name: 'x' } });
    expect(calls[0]).toMatchObject({ method: 'PATCH', credentials: 'same-origin', body: { name: 'x' } });
  });

  it('declares JSON on every state-changing request, bodyless ones too, and never on GET', async () => {
    const { calls } = installFakeApi({
      'POST /api/v1/auth/logout': () => new Response(null, { status: 204 }),
      'DELETE /api/v1/projects/x': () => new Response(null, { status: 204 }),
      'GET /api/v1/projects': () => json([]),
    });
    await api('/auth/logout', { method: 'POST' });
    await api('/projects/x', { method: 'DELETE' });
    await api('/projects');
    expect(calls.map((c) => [c.method, c.headers['Content-Type']])).toEqual([
      ['POST', 'application/json'],
      ['DELETE', 'application/json'],
      ['GET', undefined],
    ]);
  });

  it('returns undefined for 204', async () => {
    installFakeApi({ 'DELETE /api/v1/projects/x': () => new Response(null, { status: 204 }) });
    await expect(api('/projects/x', { method: 'DELETE' })).resolves.toBeUndefined();
  });

  it('turns a network failure into ApiError with status 0', async () => {
    installFakeApi({ 'GET /api/v1/projects': () => Promise.reject(new TypeError('fetch failed')) });
    const err = (await api('/projects').catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.statusCode).toBe(0);
  });
});

describe('buildUrl', () => {
  it('drops empty query values and encodes the rest', () => {
    expect(buildUrl('/projects/p/audit', { limit: 50, cursor: undefined, action: '' })).toBe(
      '/api/v1/projects/p/audit?limit=50',
    );
    expect(buildUrl('/x', { cursor: 'a&b=c' })).toBe('/api/v1/x?cursor=a%26b%3Dc');
  });
});
