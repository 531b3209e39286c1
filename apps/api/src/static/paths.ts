// Default locations of the web and CLI builds inside the monorepo checkout.
import { fileURLToPath } from 'node:url';

// This file is at apps/api/{src,dist}/static/paths.{ts,js}.
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export function defaultWebDist(): string {
  return `${repoRoot}apps/web/dist`;
}

export function defaultCliBundlePath(): string {
  return `${repoRoot}apps/cli/dist/wharf.mjs`;
}
