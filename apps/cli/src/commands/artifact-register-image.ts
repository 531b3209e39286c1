// `wharf artifact register-image`: records an already-pushed container image as a version.
import type { ArtifactView } from '@wharf/shared';
import { expectJson, requireFields } from '../api-response.js';
import type { RegisterImageOptions } from '../args.js';
import { resolveServer } from '../config.js';
import { oneLine } from '../errors.js';
import { WharfHttpClient } from '../http-client.js';
import { warnIfPlainHttp, type CommandContext } from './context.js';

export async function artifactRegisterImage(opts: RegisterImageOptions, ctx: CommandContext): Promise<void> {
  const server = resolveServer(opts.url, ctx.env);
  warnIfPlainHttp(server.baseUrl, ctx);
  const client = new WharfHttpClient(server, opts.timeoutMs);
  const res = await client.postJson(`/api/v1/projects/${encodeURIComponent(opts.project)}/artifacts/image`, opts.body);
  const view = requireFields<ArtifactView>(
    expectJson(res, 201, 'image registration'),
    ['version'],
    'image registration',
  );
  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
  } else {
    const digest = view.imageDigest ? ` (${oneLine(view.imageDigest, 80)})` : '';
    ctx.stdout.write(
      `registered ${opts.project} ${oneLine(String(view.version), 130)}: ${oneLine(view.imageRef ?? opts.body.image, 520)}${digest}\n`,
    );
  }
}
