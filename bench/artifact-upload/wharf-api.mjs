// The few API calls the benchmark needs to set itself up on a real Wharf (loopback only).

async function call(baseUrl, method, path, { cookie, body } = {}) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      Accept: 'application/json',
      ...(body !== undefined && { 'Content-Type': 'application/json' }),
      ...(cookie && { Cookie: cookie, Origin: new URL(baseUrl).origin }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, headers: res.headers };
}

function describe(what, res) {
  const message = typeof res.json?.message === 'string' ? `: ${res.json.message}` : '';
  return new Error(`${what} failed (${res.status})${message}`);
}

export async function health(baseUrl) {
  try {
    const res = await call(baseUrl, 'GET', '/api/health');
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Logs in as admin and returns the session cookie ("wharf_session=..."). */
export async function login(baseUrl, email, password) {
  const res = await call(baseUrl, 'POST', '/api/v1/auth/login', { body: { email, password } });
  if (res.status !== 200 && res.status !== 201) throw describe('admin login', res);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('wharf_session='));
  if (!cookie) throw new Error('admin login: no wharf_session cookie in the answer');
  return cookie;
}

export async function ensureProject(baseUrl, cookie, slug) {
  const existing = await call(baseUrl, 'GET', `/api/v1/projects/${slug}`, { cookie });
  if (existing.status === 200) return false;
  if (existing.status !== 404) throw describe(`GET project ${slug}`, existing);
  const created = await call(baseUrl, 'POST', '/api/v1/projects', {
    cookie,
    body: { slug, name: `Benchmark (${slug})`, description: 'created by bench/artifact-upload' },
  });
  if (created.status !== 201 && created.status !== 200) throw describe(`create project ${slug}`, created);
  return true;
}

/** Creates a project API token; returns { id, token }. */
export async function createToken(baseUrl, cookie, slug) {
  const res = await call(baseUrl, 'POST', `/api/v1/projects/${slug}/tokens`, {
    cookie,
    body: { name: `bench-${new Date().toISOString().replace(/[:.]/g, '-')}` },
  });
  if ((res.status !== 201 && res.status !== 200) || typeof res.json?.token !== 'string')
    throw describe('create token', res);
  return { id: res.json.id, token: res.json.token };
}

export async function revokeToken(baseUrl, cookie, slug, id) {
  const res = await call(baseUrl, 'DELETE', `/api/v1/projects/${slug}/tokens/${id}`, { cookie });
  if (res.status !== 204 && res.status !== 200) throw describe('revoke token', res);
}
