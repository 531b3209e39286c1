// One reading of everything a Kubernetes API call can fail with: an ApiException (HTTP
// status + a Status body), a watch's ERROR event, or a network/TLS error. Messages come
// from the API server's Status or name the network condition; never a header or a token.
import { ExecutorError } from '../errors.js';

export type KubeErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'expired'
  | 'invalid'
  | 'api_unavailable'
  | 'unreachable'
  | 'tls_verification_failed'
  | 'api_error';

export class KubeApiError extends ExecutorError {
  constructor(
    code: KubeErrorCode,
    /** HTTP status; 0 when no answer came. */
    readonly status: number,
    message: string,
  ) {
    super(code, message);
  }

  /** Worth another try: the server or the path to it failed, not the request. */
  get transient(): boolean {
    return this.code === 'api_unavailable' || this.code === 'unreachable' || this.status === 429;
  }
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
]);

function codeForStatus(status: number): KubeErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 410) return 'expired';
  if (status === 422) return 'invalid';
  if (status >= 500 || status === 429) return 'api_unavailable';
  return 'api_error';
}

/** The `message` of a Status body (JSON text or object), if it has one. */
function statusMessage(body: unknown): string | undefined {
  let b = body;
  if (typeof b === 'string') {
    try {
      b = JSON.parse(b);
    } catch {
      return undefined;
    }
  }
  const m = (b as { message?: unknown } | null)?.message;
  return typeof m === 'string' && m ? m : undefined;
}

/** Turns whatever a call threw into a KubeApiError that says what `what` was. */
export function toKubeApiError(err: unknown, what: string): KubeApiError {
  if (err instanceof KubeApiError) return err;
  const e = err as { code?: unknown; statusCode?: unknown; body?: unknown; message?: unknown } | null;
  const status = typeof e?.code === 'number' ? e.code : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined) {
    const fromServer = statusMessage(e?.body);
    const detail =
      fromServer ??
      (status === 401
        ? 'Unauthorized: the API server did not accept the credential'
        : status >= 500
          ? `the API server answered ${status}`
          : `HTTP ${status}`);
    return new KubeApiError(codeForStatus(status), status, `${what}: ${detail}`);
  }
  const netCode = typeof e?.code === 'string' ? e.code : undefined;
  const cause = (e as { cause?: { code?: unknown } } | null)?.cause;
  const causeCode = typeof cause?.code === 'string' ? cause.code : undefined;
  const code = netCode ?? causeCode;
  const text = typeof e?.message === 'string' ? e.message : String(err);
  if ((code && TLS_CODES.has(code)) || /certificate|self[- ]signed/i.test(text)) {
    return new KubeApiError(
      'tls_verification_failed',
      0,
      `${what}: the API server's TLS certificate does not verify against the configured CA (${code ?? 'TLS error'})`,
    );
  }
  return new KubeApiError('unreachable', 0, `${what}: cannot reach the API server (${code ?? firstLine(text)})`);
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 200);
}
