// --help texts. Examples are meant to be copied into a CI job as they are.
import type { HelpTopic } from './args.js';
import { CLI_VERSION } from './version.js';

const ENVIRONMENT = `Environment:
  WHARF_URL     Wharf server address, e.g. https://wharf.example.com (--url overrides it)
  WHARF_TOKEN   project API token (wharf_...). Read from the environment ONLY: there is no
                --token flag, so the token never shows up in argv, ps or CI job logs.
                Store it as a masked CI/CD variable.`;

const EXIT_CODES = `Exit codes:
  0  success
  1  internal error (a bug in wharf)
  2  usage: unknown flag, missing/invalid value, unreadable file (nothing was sent)
  3  configuration: WHARF_URL or WHARF_TOKEN missing or malformed (nothing was sent)
  4  network: server unreachable, connection broken, or no answer within --timeout
  5  auth: 401/403/404 (bad or revoked token, role too low, project unknown or not yours)
  6  rejected: other 4xx (400 bad request or sha256 mismatch, 413 too large, 422 bad tarball)
  7  conflict: 409, e.g. the version already exists
  8  server: 5xx, a redirect, an unknown route, or an answer that is not a Wharf response
  9  release --wait: the deployment failed
 10  release --wait: the deployment was cancelled
 11  release --wait: --timeout passed before the deployment finished (it keeps going)
On failure wharf prints exactly one line to stderr, starting with "wharf: ".`;

const COMMON_FLAGS = `  --url <url>          server address (default: $WHARF_URL)
  --timeout <seconds>  give up when the server is silent this long (default 300)
  -h, --help           show this help`;

const GLOBAL = `wharf ${CLI_VERSION}: push builds to Wharf from CI, and release them

Usage:
  wharf artifact push <file.tgz> --project <slug> --version <v> [options]
  wharf artifact register-image --project <slug> --version <v> --image <ref> [options]
  wharf artifact list --project <slug> [--limit N] [--json]
  wharf release --project <slug> --env <name> --version <v> [--wait] [--timeout <s>]
  wharf status --project <slug> [--json]
  wharf help <command>      wharf <command> --help      wharf version

Examples:
  export WHARF_URL=https://wharf.example.com   # WHARF_TOKEN comes from a masked CI variable
  wharf artifact push build.tgz --project shop --version "$CI_COMMIT_SHORT_SHA" \\
    --ref "$CI_COMMIT_REF_NAME" --commit "$CI_COMMIT_SHA" --message "$CI_COMMIT_TITLE"
  wharf release --project shop --env dev --version "$CI_COMMIT_SHORT_SHA" --wait
  wharf status --project shop

Without installing anything (Node.js 20+ only):
  curl -fsS "$WHARF_URL/cli/wharf.mjs" -o wharf.mjs && node wharf.mjs artifact list --project shop

${ENVIRONMENT}

${EXIT_CODES}
`;

const ARTIFACT = `wharf artifact: manage a project's deployable versions

Commands:
  push             upload a .tar.gz build (streamed, verified by sha256 on the server)
  register-image   record a container image already pushed to a registry
  list             show the newest versions

Run "wharf artifact <command> --help" for the flags of each.
`;

const PUSH = `wharf artifact push: upload a .tar.gz build as a new version

Usage:
  wharf artifact push <file.tgz> --project <slug> --version <v> [--ref <branch>]
        [--commit <sha>] [--message <text>] [--author <name>] [--quiet] [--json]

The file is read twice and never held in memory: first to compute its sha256, then
streamed to the server, which checks the bytes against that sha256 and the tarball's
contents before recording the version. Versions are immutable: pushing an existing one
fails with exit code 7.

Flags:
  --project <slug>     project slug, e.g. shop                                  (required)
  --version <v>        1-128 of A-Z a-z 0-9 . _ -, not starting with . or -     (required)
  --ref <branch>       git branch or tag the build came from
  --commit <sha>       full or short commit sha (lower-case hex)
  --message <text>     commit title; shortened if it is very long
  --author <name>      commit author
  -q, --quiet          no progress output (errors are still printed)
  --json               print the created artifact as JSON on stdout
${COMMON_FLAGS}
An empty value (e.g. an unset CI variable) is the same as leaving the flag out.
Progress goes to stderr: a bar on a terminal, one line per 10% otherwise.

Examples:
  wharf artifact push build.tgz --project shop --version 1.4.0
  wharf artifact push build.tgz --project shop --version "$CI_COMMIT_SHORT_SHA" \\
    --ref "$CI_COMMIT_REF_NAME" --commit "$CI_COMMIT_SHA" \\
    --message "$CI_COMMIT_TITLE" --author "$CI_COMMIT_AUTHOR"

${ENVIRONMENT}
`;

const REGISTER_IMAGE = `wharf artifact register-image: record a container image as a new version

Usage:
  wharf artifact register-image --project <slug> --version <v>
        --image <registry/repo:tag | registry/repo@sha256:<hex> | registry/repo:tag@sha256:<hex>>
        [--digest sha256:<hex>] [--ref <branch>] [--commit <sha>] [--message <text>]
        [--author <name>] [--json]

Flags:
  --project <slug>     project slug                                             (required)
  --version <v>        version name, as for push                                (required)
  --image <ref>        repo:tag, repo@sha256:<64 hex> or repo:tag@sha256:<64 hex> (required)
  --digest <digest>    sha256:<64 hex>, pins the exact image (or put it in --image;
                       given both ways, it must be the same); a release patches by it
  --ref, --commit, --message, --author   as for push
  --json               print the created artifact as JSON on stdout
${COMMON_FLAGS}

Examples:
  wharf artifact register-image --project shop --version "$CI_COMMIT_SHORT_SHA" \\
    --image "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" --ref "$CI_COMMIT_REF_NAME" --commit "$CI_COMMIT_SHA"
  wharf artifact register-image --project shop --version "$CI_COMMIT_SHORT_SHA" \\
    --image "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA@$IMAGE_DIGEST"

${ENVIRONMENT}
`;

const LIST = `wharf artifact list: show a project's versions, newest first

Usage:
  wharf artifact list --project <slug> [--limit N] [--cursor <c>] [--json]

Flags:
  --project <slug>     project slug                                             (required)
  --limit <N>          how many, 1-200 (default 20)
  --cursor <c>         continue after a previous page (wharf prints the value to use)
  --json               print the page ({ items, nextCursor }) as JSON on stdout
${COMMON_FLAGS}

Examples:
  wharf artifact list --project shop
  wharf artifact list --project shop --limit 1 --json

${ENVIRONMENT}
`;

const RELEASE = `wharf release: release a version to an environment

Usage:
  wharf release --project <slug> --env <name> --version <v> [--wait] [--timeout <s>]

Asks Wharf to deploy the version (pushed before with "wharf artifact push") to the
environment's targets, as the dashboard's Release button does. The token needs the
"release" scope and, if it lists environments, this one. Protected environments never
accept a CI token: a maintainer releases there from the dashboard.

Without --wait, wharf prints the deployment's id and dashboard link and exits 0 once the
release is queued. With --wait it follows the deployment to its end:
  - stdout: every log line, in order, as the hosts write it ("[target] text" when the
    environment has several targets). A dropped connection is retried until --timeout,
    and the log continues after the last line printed: no gap, no line twice.
  - stderr: what wharf is doing, and one final line with the outcome.
  - exit code: 0 succeeded, 9 failed, 10 cancelled (or rejected, or expired
    waiting for approval), 11 --timeout passed first. An environment that needs
    approval keeps the release waiting until people approve it in the dashboard.
    On a timeout wharf only stops waiting: the deployment keeps going (a CI job
    cannot take back what it started; cancel it in the dashboard if you must).

Flags:
  --project <slug>     project slug                                             (required)
  --env <name>         environment name, e.g. dev                               (required)
  --version <v>        a version pushed before                                  (required)
  --wait               follow the deployment; the exit code says how it ended
  --timeout <seconds>  with --wait: how long to wait in all (default 1800);
                       without: give up when the server is silent this long (default 300)
  --url <url>          server address (default: $WHARF_URL)
  -h, --help           show this help

Examples:
  wharf release --project shop --env dev --version "$CI_COMMIT_SHORT_SHA" --wait
  wharf release --project shop --env qa --version 1.4.0 --wait --timeout 600

${ENVIRONMENT}

${EXIT_CODES}
`;

const STATUS = `wharf status: what each environment runs, and what is queued or running

Usage:
  wharf status --project <slug> [--json]

Flags:
  --project <slug>     project slug                                             (required)
  --json               print a stable JSON document on stdout:
                       { "project", "environments": [ { "name", "id", "protected",
                         "running": { "version", "deploymentId", "finishedAt", "actor" } | null,
                         "inFlight": [ { "deploymentId", "version", "state", "trigger",
                                         "actor", "createdAt" } ] } ] }
                       (running first, then queued in the order they will run)
${COMMON_FLAGS}

Examples:
  wharf status --project shop
  wharf status --project shop --json

${ENVIRONMENT}
`;

export function helpText(topic: HelpTopic): string {
  switch (topic) {
    case 'global':
      return GLOBAL;
    case 'artifact':
      return ARTIFACT;
    case 'artifact push':
      return PUSH;
    case 'artifact register-image':
      return REGISTER_IMAGE;
    case 'artifact list':
      return LIST;
    case 'release':
      return RELEASE;
    case 'status':
      return STATUS;
  }
}

/** The short pointer appended to usage errors. */
export function helpHint(topic: HelpTopic): string {
  return topic === 'global' ? 'wharf --help' : `wharf ${topic} --help`;
}
