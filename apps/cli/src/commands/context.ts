import { isLoopback, type CliEnvironment } from '../config.js';
import type { ProgressStream } from '../progress.js';

/** What a command may touch: the environment (read once) and the two output streams. */
export interface CommandContext {
  env: CliEnvironment;
  stdout: { write(chunk: string): unknown };
  stderr: ProgressStream;
}

/** The token travels in a header: say so when that header would cross a network in clear text. */
export function warnIfPlainHttp(url: URL, ctx: CommandContext): void {
  if (url.protocol === 'http:' && !isLoopback(url)) {
    ctx.stderr.write(`wharf: warning: ${url.origin} is plain http; the token is sent unencrypted\n`);
  }
}
