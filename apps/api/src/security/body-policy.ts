// What a state-changing route accepts as its body. The default is JSON, read and parsed by
// JsonBodyInterceptor once the guards have passed; a route that reads its own raw stream
// (artifact uploads, later webhooks that verify a signature over the raw bytes) declares
// its media types with @StreamBody. Browsers cannot send JSON or these types to another
// site without a CORS preflight, which Wharf never grants: that is the CSRF defence.
import { SetMetadata } from '@nestjs/common';

export const BODY_POLICY_KEY = 'wharf:body-policy';

export interface BodyPolicy {
  /** Lower-case media types, without parameters. */
  types: readonly string[];
  /** json: parsed into req.body (size-capped); stream: the handler reads the request itself. */
  read: 'json' | 'stream';
}

export const JSON_BODY: BodyPolicy = { types: ['application/json'], read: 'json' };

/** The handler reads the raw request stream and accepts only these media types. */
export const StreamBody = (...types: string[]) =>
  SetMetadata(BODY_POLICY_KEY, { types: types.map((t) => t.toLowerCase()), read: 'stream' } satisfies BodyPolicy);

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(header: string | undefined): string | null {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type ? type : null;
}

/** The charset parameter of a Content-Type header, lower-cased, if any. */
export function charsetOf(header: string | undefined): string | null {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(header ?? '');
  return m?.[1]?.toLowerCase() ?? null;
}
