// What a CI job runs to push a build to Wharf. Kept in one place so the empty state, README
// and the CLI's own docs can be compared easily.

export function pushCommand(origin: string, slug: string): string {
  return [
    `export WHARF_URL=${origin}`,
    'export WHARF_TOKEN=wharf_…   # a CI token from the "CI tokens" tab',
    'curl -fsSL "$WHARF_URL/cli/wharf.mjs" -o wharf.mjs',
    `node wharf.mjs artifact push --project ${slug} --version 1.0.0 ./dist`,
  ].join('\n');
}

export function gitlabCiSnippet(slug: string): string {
  return [
    '# .gitlab-ci.yml — WHARF_URL and WHARF_TOKEN are masked CI/CD variables',
    'wharf-push:',
    '  stage: build',
    '  image: node:20',
    '  script:',
    '    - npm ci',
    '    - npm run build',
    '    - curl -fsSL "$WHARF_URL/cli/wharf.mjs" -o wharf.mjs',
    `    - node wharf.mjs artifact push --project ${slug} --version "$CI_COMMIT_SHORT_SHA" ./dist`,
  ].join('\n');
}
