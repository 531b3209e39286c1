// GitLab's documented push and tag push payloads (gitlabhq/gitlabhq
// doc/user/project/integrations/webhook_events.md, "Push events" and "Tag events"), with the
// ref and commit of each delivery filled in, and the headers GitLab sends with a delivery.
// The payloads are the API tests' verbatim copies, so the bench sends what the tests parse.
import { randomBytes, randomUUID } from 'node:crypto';
import { pushEvent as PUSH_EXAMPLE } from '../../apps/api/test/fixtures/gitlab/push-event.js';
import { tagPushEvent as TAG_PUSH_EXAMPLE } from '../../apps/api/test/fixtures/gitlab/tag-push-event.js';

export const randomSha = () => randomBytes(20).toString('hex');

/** A push of `sha` to `branch`, made at `commitAt`. */
export function pushBody(branch, sha, commitAt) {
  const p = structuredClone(PUSH_EXAMPLE);
  p.ref = `refs/heads/${branch}`;
  p.after = sha;
  p.checkout_sha = sha;
  const last = p.commits[p.commits.length - 1];
  last.id = sha;
  last.url = `http://example.com/mike/diaspora/commit/${sha}`;
  last.timestamp = commitAt.toISOString();
  return JSON.stringify(p);
}

export function tagPushBody(tag, sha) {
  const p = structuredClone(TAG_PUSH_EXAMPLE);
  p.ref = `refs/tags/${tag}`;
  p.after = sha;
  p.checkout_sha = sha;
  return JSON.stringify(p);
}

export function deliveryHeaders(event, token) {
  return {
    'content-type': 'application/json',
    'user-agent': 'GitLab/17.6.0',
    'x-gitlab-event': event,
    'x-gitlab-token': token,
    'x-gitlab-instance': 'https://gitlab.example.com',
    'x-gitlab-webhook-uuid': randomUUID(),
    'x-gitlab-event-uuid': randomUUID(),
    'idempotency-key': randomUUID(),
  };
}
