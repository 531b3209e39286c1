// `wharf artifact push <file>`: one pass over the file: stream it to
// POST /api/v1/projects/:slug/artifacts/tarball?version=.. while hashing it, and send the
// sha256 as the X-Checksum-Sha256 trailer so the server verifies it before storing.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ArtifactView } from '@wharf/shared';
import { expectJson, requireFields } from '../api-response.js';
import type { PushOptions } from '../args.js';
import { resolveServer } from '../config.js';
import { CliError, EXIT, oneLine } from '../errors.js';
import { WharfHttpClient, type Query } from '../http-client.js';
import { chooseMode, formatBytes, formatRate, ProgressReporter } from '../progress.js';
import { warnIfPlainHttp, type CommandContext } from './context.js';

/**
 * Metadata travels in the query string; proxies and Node's default header limit (16 KiB)
 * cap the request line, so an overlong commit message is shortened rather than failing a job.
 */
export const MAX_ENCODED_MESSAGE = 6000;

export function fitMessage(message: string, maxEncoded = MAX_ENCODED_MESSAGE): { message: string; cut: boolean } {
  const encodedLength = (s: string) => new URLSearchParams({ m: s }).toString().length - 2;
  if (encodedLength(message) <= maxEncoded) return { message, cut: false };
  const chars = Array.from(message);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (encodedLength(`${chars.slice(0, mid).join('')}…`) <= maxEncoded) lo = mid;
    else hi = mid - 1;
  }
  return { message: `${chars.slice(0, lo).join('')}…`, cut: true };
}

async function statFile(file: string): Promise<number> {
  const name = oneLine(basename(file), 100);
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new CliError(EXIT.usage, `${name} is not a regular file`);
    return info.size;
  } catch (err) {
    if (err instanceof CliError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(
      EXIT.usage,
      code === 'ENOENT' ? `${name}: no such file` : `cannot read ${name}: ${code ?? 'error'}`,
    );
  }
}

export async function artifactPush(opts: PushOptions, ctx: CommandContext): Promise<void> {
  const size = await statFile(opts.file);
  const server = resolveServer(opts.url, ctx.env);
  warnIfPlainHttp(server.baseUrl, ctx);
  const client = new WharfHttpClient(server, opts.timeoutMs);
  const mode = chooseMode(ctx.stderr, opts.quiet);
  const log = (line: string) => {
    if (mode !== 'none') ctx.stderr.write(`wharf: ${line}\n`);
  };
  const name = oneLine(basename(opts.file), 80);

  let message = opts.message;
  if (message !== undefined) {
    const fitted = fitMessage(message);
    if (fitted.cut) log('warning: --message is too long for a query string; sending a shortened one');
    message = fitted.message;
  }
  const query: Query = {
    version: opts.version,
    ref: opts.ref,
    commit: opts.commit,
    message,
    author: opts.author,
  };
  const url = client.url(`/api/v1/projects/${encodeURIComponent(opts.project)}/artifacts/tarball`, query);

  log(`uploading ${name} to ${server.baseUrl.origin} as ${opts.project} ${opts.version}`);
  const started = performance.now();
  const upload = new ProgressReporter(ctx.stderr, mode, `uploading ${name}`, size);
  let res;
  let sha256 = '';
  try {
    res = await client.uploadFile(
      url,
      { path: opts.file, size },
      'application/gzip',
      (n) => upload.update(n),
      (hex) => {
        sha256 = hex;
        upload.finish();
        log(`sha256 ${sha256}  ${name} (${formatBytes(size)})`);
        log('upload sent, waiting for the server to verify it');
      },
    );
  } finally {
    upload.finish();
  }
  const seconds = (performance.now() - started) / 1000;

  const json = expectJson(res, 201, 'upload');
  if (sha256 === '') throw new CliError(EXIT.server, 'upload: the server answered before the whole file was sent');
  const view = requireFields<ArtifactView>(json, ['version', 'sha256'], 'upload');
  if (view.sha256 !== null && view.sha256 !== sha256) {
    throw new CliError(
      EXIT.server,
      `upload: the server recorded sha256 ${oneLine(String(view.sha256), 80)}, expected ${sha256}`,
    );
  }
  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
  } else {
    ctx.stdout.write(
      `pushed ${opts.project} ${oneLine(String(view.version), 130)} (${formatBytes(size)}, sha256 ${sha256}) in ${seconds.toFixed(1)}s, ${formatRate(size / Math.max(seconds, 0.001))}\n`,
    );
  }
}
