// The two calls made to an instance: the restart request and the health probe.

export interface CallOutcome {
  ok: boolean;
  /** Safe to log: status and the start of the body, or the network error's code. */
  detail: string;
}

async function call(
  url: string,
  init: RequestInit,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<CallOutcome & { status: number }> {
  try {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
    const body = (await res.text()).replace(/\s+/g, ' ').trim().slice(0, 160);
    return { ok: res.status === 200, status: res.status, detail: `HTTP ${res.status}${body ? ` ${body}` : ''}` };
  } catch (err) {
    if (signal.aborted) throw err;
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why =
      e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { ok: false, status: 0, detail: `request failed: ${why}` };
  }
}

/** POST to the restart path with the environment's secret; only a 200 counts as accepted. */
export function requestRestart(url: string, secret: string, timeoutMs: number, signal: AbortSignal) {
  return call(url, { method: 'POST', headers: { authorization: `Bearer ${secret}` } }, timeoutMs, signal);
}

/** GET the health path; healthy means 200. */
export function probeHealth(url: string, timeoutMs: number, signal: AbortSignal) {
  return call(url, { method: 'GET' }, timeoutMs, signal);
}
