#!/bin/sh
# Makes a checkout runnable: pnpm 10, dependencies, Prisma client, build.
# Called by `npm start` and `npm test`. Quiet on success; on failure it shows the
# tail of the failing command's output and ends with one line saying what failed.
set -eu

cd "$(dirname "$0")/.."

step() { printf '==> %s\n' "$*"; }
fail() {
  printf 'bootstrap failed: %s\n' "$*" >&2
  exit 1
}

log=$(mktemp "${TMPDIR:-/tmp}/wharf-bootstrap.XXXXXX")
trap 'rm -f "$log"' EXIT INT TERM

# quiet DESCRIPTION CMD...: runs CMD with its output kept aside, shown only on failure.
quiet() {
  desc=$1
  shift
  if ! "$@" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    fail "$desc"
  fi
}

# No telemetry or update checks: the build machines are offline except for registries.
TURBO_TELEMETRY_DISABLED=1
DO_NOT_TRACK=1
CHECKPOINT_DISABLE=1
PRISMA_HIDE_UPDATE_MESSAGE=1
export TURBO_TELEMETRY_DISABLED DO_NOT_TRACK CHECKPOINT_DISABLE PRISMA_HIDE_UPDATE_MESSAGE

# --- Node -------------------------------------------------------------------------------
command -v node >/dev/null 2>&1 || fail "node is not installed (Wharf needs Node.js 20.19 or newer)"
node -e '
const [maj, min] = process.versions.node.split(".").map(Number);
process.exit(maj > 20 || (maj === 20 && min >= 19) ? 0 : 1);
' || fail "Node.js $(node --version) is too old: Wharf needs 20.19 or newer"

# --- pnpm 10 ----------------------------------------------------------------------------
# corepack cannot verify signatures on these machines, so pnpm comes from npm. Without
# permission for a global install it goes to a per-user prefix that start.mjs and
# test.mjs also put on PATH.
fallback_prefix="${HOME:-/tmp}/.cache/wharf/pnpm"
PATH="$fallback_prefix/bin:$PATH"
export PATH
pnpm_major() { pnpm --version 2>/dev/null | cut -d. -f1; }
if [ "$(pnpm_major)" != "10" ]; then
  step "installing pnpm 10 (npm install -g pnpm@10)"
  if ! npm install -g pnpm@10 >"$log" 2>&1; then
    quiet "could not install pnpm 10 with npm" npm install --prefix "$fallback_prefix" -g pnpm@10
  fi
  hash -r 2>/dev/null || true
  [ "$(pnpm_major)" = "10" ] || fail "pnpm 10 is not on PATH after installing it (found: $(pnpm --version 2>/dev/null || echo none))"
fi

# --- dependencies -----------------------------------------------------------------------
step "installing dependencies (pnpm install)"
if [ -f pnpm-lock.yaml ]; then
  quiet "pnpm install --frozen-lockfile (is pnpm-lock.yaml in step with the package.json files?)" \
    pnpm install --frozen-lockfile --reporter=append-only
else
  quiet "pnpm install" pnpm install --reporter=append-only
fi

# --- Prisma client ----------------------------------------------------------------------
# prisma.config.ts needs some DATABASE_URL to parse; generate never connects.
# Skipped when the schema and the Prisma version are those of the last generate (a stamp in
# node_modules/.cache), which saves a few seconds on every start.
stamp_file=node_modules/.cache/wharf/prisma-generate.sha256
stamp=$(cat prisma/schema.prisma node_modules/prisma/package.json | sha256sum | cut -d' ' -f1)
if [ -f apps/api/src/generated/prisma/client.ts ] && [ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ]; then
  step "Prisma client is up to date"
else
  step "generating the Prisma client"
  DATABASE_URL="${DATABASE_URL:-postgresql://wharf@127.0.0.1:5432/wharf}"
  export DATABASE_URL
  quiet "prisma generate (run 'pnpm exec prisma validate' to see schema errors)" pnpm exec prisma generate
  mkdir -p "$(dirname "$stamp_file")"
  printf '%s\n' "$stamp" >"$stamp_file"
fi

# --- build ------------------------------------------------------------------------------
# The same turbo flags as scripts/test.mjs, so its runs hit this build's cache. The Prisma
# schema lives outside every package: without --global-deps a schema change would not
# invalidate the cached api build.
step "building (turbo run build)"
quiet "the build (run 'pnpm build' to see it)" \
  pnpm exec turbo run build --output-logs=errors-only --env-mode=loose --global-deps=prisma/schema.prisma

step "bootstrap done"
