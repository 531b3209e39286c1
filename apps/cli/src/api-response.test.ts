import { describe, expect, it } from 'vitest';
import { errorMessage, exitCodeForStatus, expectJson, requireFields } from './api-response.js';
import { CliError, EXIT } from './errors.js';
import type { HttpResponse } from './http-client.js';

const res = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  statusText: 'Status',
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

function thrown(fn: () => unknown): CliError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error('expected a CliError');
}

describe('api responses', () => {
  it('returns the JSON of the expected status', () => {
    expect(expectJson(res(201, { version: '1' }), 201, 'upload')).toEqual({ version: '1' });
  });

  it('quotes the ErrorView message on one line with the status', () => {
    const err = thrown(() =>
      expectJson(
        res(409, { statusCode: 409, error: 'Conflict', message: 'version 1.2.3 already exists' }),
        201,
        'upload',
      ),
    );
    expect(err.message).toBe('upload rejected (409): version 1.2.3 already exists');
    expect(err.exitCode).toBe(EXIT.conflict);
  });

  it('adds field issues and flattens newlines and escape sequences', () => {
    const body = {
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: 'bad tarball:\n\u001b[2Jentry ../etc/passwd escapes the root',
      issues: [{ path: 'version', message: 'too long' }],
    };
    const err = thrown(() => expectJson(res(422, body), 201, 'upload'));
    expect(err.message).toBe(
      'upload rejected (422): bad tarball: [2Jentry ../etc/passwd escapes the root; version: too long',
    );
    expect(err.exitCode).toBe(EXIT.rejected);
  });

  it('explains non-JSON errors, redirects and 5xx', () => {
    const html = thrown(() => expectJson(res(502, '<html>Bad Gateway</html>'), 201, 'upload'));
    expect(html.message).toBe('upload failed (502): 502 Status (not a Wharf error response)');
    expect(html.exitCode).toBe(EXIT.server);
    const redirect = thrown(() => expectJson(res(301, '', { location: 'https://w.example/api' }), 201, 'upload'));
    expect(redirect.message).toMatch(/redirects \(301\) to https:\/\/w\.example\/api; set WHARF_URL/);
    const notJson = thrown(() => expectJson(res(201, 'ok'), 201, 'upload'));
    expect(notJson.exitCode).toBe(EXIT.server);
  });

  it('hints at the token for 401 and 404', () => {
    expect(thrown(() => expectJson(res(401, { message: 'no' }), 200, 'list')).message).toContain('(check WHARF_TOKEN');
    expect(thrown(() => expectJson(res(404, { message: 'no' }), 200, 'list')).message).toContain('another project');
  });

  it('tells an unknown route (framework 404) from a missing project', () => {
    const body = {
      statusCode: 404,
      error: 'Not Found',
      message: 'Cannot POST /api/v1/projects/shop/artifacts/tarball?version=1',
    };
    const err = thrown(() => expectJson(res(404, body), 201, 'upload'));
    expect(err.message).toBe(
      'upload failed (404): the server has no route POST /api/v1/projects/shop/artifacts/tarball (is WHARF_URL a Wharf server of a matching version?)',
    );
    expect(err.exitCode).toBe(EXIT.server);
  });

  it('maps statuses to exit codes', () => {
    expect([401, 403, 404, 409, 400, 413, 422, 500, 503].map(exitCodeForStatus)).toEqual([5, 5, 5, 7, 6, 6, 6, 8, 8]);
  });

  it('reads message arrays and ignores non-ErrorView bodies', () => {
    expect(errorMessage(JSON.stringify({ message: ['a', 'b'] }))).toBe('a; b');
    expect(errorMessage('[1,2]')).toBeUndefined();
    expect(errorMessage('nope')).toBeUndefined();
  });

  it('checks the shape of a view', () => {
    expect(requireFields({ version: '1' }, ['version'], 'x')).toEqual({ version: '1' });
    expect(thrown(() => requireFields([], ['version'], 'x')).exitCode).toBe(EXIT.server);
  });
});
