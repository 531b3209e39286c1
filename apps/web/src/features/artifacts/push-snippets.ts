// What a CI job runs to push a build to Wharf, matching the CLI's own --help (apps/cli).
// The token is read from the environment only, never passed as a flag.

export function pushCommand(origin: string, slug: string): string {
  return [
    `export WHARF_URL=${origin}`,
    'read -rs WHARF_TOKEN && export WHARF_TOKEN   # paste a CI token from the "CI tokens" tab',
    'curl -fsS "$WHARF_URL/cli/wharf.mjs" -o wharf.mjs',
    'tar -czf build.tgz -C dist .                 # whatever the target should run',
    `node wharf.mjs artifact push build.tgz --project ${slug} --version 1.0.0`,
  ].join('\n');
}

/** The README's pipeline, cut to its Wharf jobs: push every commit, release dev's to dev and wait. */
export function gitlabCiSnippet(slug: string): string {
  return [
    '# .gitlab-ci.yml: set WHARF_URL and WHARF_TOKEN (masked) under Settings > CI/CD > Variables',
    'wharf-push:',
    '  stage: build',
    '  image: node:20',
    '  script:',
    '    - npm ci',
    '    - npm run build',
    '    - tar -czf build.tgz -C dist .',
    '    - curl -fsS "$WHARF_URL/cli/wharf.mjs" -o wharf.mjs',
    `    - node wharf.mjs artifact push build.tgz --project ${slug} --version "$CI_COMMIT_SHORT_SHA"`,
    '        --ref "$CI_COMMIT_REF_NAME" --commit "$CI_COMMIT_SHA"',
    '        --message "$CI_COMMIT_TITLE" --author "$CI_COMMIT_AUTHOR"',
    '',
    'wharf-release-dev:',
    '  stage: deploy',
    '  image: node:20',
    '  rules:',
    '    - if: $CI_COMMIT_BRANCH == "dev"',
    '  script:',
    '    - curl -fsS "$WHARF_URL/cli/wharf.mjs" -o wharf.mjs',
    `    - node wharf.mjs release --project ${slug} --env dev --version "$CI_COMMIT_SHORT_SHA" --wait`,
  ].join('\n');
}
