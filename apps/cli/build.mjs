// Bundles the CLI into ONE self-contained file (dist/wharf.mjs) that the API serves at
// GET /cli/wharf.mjs and CI runs with plain `node wharf.mjs`: @wharf/shared and zod inlined.
import { chmod, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
const outfile = join(root, 'dist', 'wharf.mjs');
await mkdir(dirname(outfile), { recursive: true });

const result = await build({
  entryPoints: [join(root, 'src', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  banner: { js: '#!/usr/bin/env node' },
  // Whitespace/syntax minification keeps identifiers readable in stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});
await chmod(outfile, 0o755);

const bytes = result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].bytes;
console.log(`built ${outfile} (${(bytes / 1024).toFixed(0)} KiB)`);
