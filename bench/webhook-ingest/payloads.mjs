// GitLab's documented push and tag push payloads (gitlabhq/gitlabhq
// doc/user/project/integrations/webhook_events.md, "Push events" and "Tag events"), with the
// ref and commit of each delivery filled in, and the headers GitLab sends with a delivery.
import { randomBytes, randomUUID } from 'node:crypto';

const PUSH_EXAMPLE = {
  object_kind: 'push',
  event_name: 'push',
  before: '95790bf891e76fee5e1747ab589903a6a1f80f22',
  after: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
  ref: 'refs/heads/master',
  ref_protected: true,
  checkout_sha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
  user_id: 4,
  user_name: 'John Smith',
  user_username: 'jsmith',
  user_email: 'john@example.com',
  user_avatar:
    'https://s.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=8://s.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=80',
  project_id: 15,
  project: {
    id: 15,
    name: 'Diaspora',
    description: '',
    web_url: 'http://example.com/mike/diaspora',
    avatar_url: null,
    git_ssh_url: 'git@example.com:mike/diaspora.git',
    git_http_url: 'http://example.com/mike/diaspora.git',
    namespace: 'Mike',
    visibility_level: 0,
    path_with_namespace: 'mike/diaspora',
    default_branch: 'master',
    homepage: 'http://example.com/mike/diaspora',
    url: 'git@example.com:mike/diaspora.git',
    ssh_url: 'git@example.com:mike/diaspora.git',
    http_url: 'http://example.com/mike/diaspora.git',
  },
  repository: {
    name: 'Diaspora',
    url: 'git@example.com:mike/diaspora.git',
    description: '',
    homepage: 'http://example.com/mike/diaspora',
    git_http_url: 'http://example.com/mike/diaspora.git',
    git_ssh_url: 'git@example.com:mike/diaspora.git',
    visibility_level: 0,
  },
  commits: [
    {
      id: 'b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327',
      message:
        'Update Catalan translation to e38cb41.\n\nSee https://gitlab.com/gitlab-org/gitlab for more information',
      title: 'Update Catalan translation to e38cb41.',
      timestamp: '2011-12-12T14:27:31+02:00',
      url: 'http://example.com/mike/diaspora/commit/b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327',
      author: {
        name: 'Jordi Mallach',
        email: 'jordi@softcatala.org',
      },
      added: ['CHANGELOG'],
      modified: ['app/controller/application.rb'],
      removed: [],
    },
    {
      id: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      message: 'fixed readme',
      title: 'fixed readme',
      timestamp: '2012-01-03T23:36:29+02:00',
      url: 'http://example.com/mike/diaspora/commit/da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      author: {
        name: 'GitLab dev user',
        email: 'gitlabdev@dv6700.(none)',
      },
      added: ['CHANGELOG'],
      modified: ['app/controller/application.rb'],
      removed: [],
    },
  ],
  total_commits_count: 4,
};

const TAG_PUSH_EXAMPLE = {
  object_kind: 'tag_push',
  event_name: 'tag_push',
  before: '0000000000000000000000000000000000000000',
  after: '82b3d5ae55f7080f1e6022629cdb57bfae7cccc7',
  ref: 'refs/tags/v1.0.0',
  ref_protected: true,
  checkout_sha: '82b3d5ae55f7080f1e6022629cdb57bfae7cccc7',
  user_id: 1,
  user_name: 'John Smith',
  user_avatar:
    'https://s.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=8://s.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=80',
  project_id: 1,
  project: {
    id: 1,
    name: 'Example',
    description: '',
    web_url: 'http://example.com/jsmith/example',
    avatar_url: null,
    git_ssh_url: 'git@example.com:jsmith/example.git',
    git_http_url: 'http://example.com/jsmith/example.git',
    namespace: 'Jsmith',
    visibility_level: 0,
    path_with_namespace: 'jsmith/example',
    default_branch: 'master',
    homepage: 'http://example.com/jsmith/example',
    url: 'git@example.com:jsmith/example.git',
    ssh_url: 'git@example.com:jsmith/example.git',
    http_url: 'http://example.com/jsmith/example.git',
  },
  repository: {
    name: 'Example',
    url: 'ssh://git@example.com/jsmith/example.git',
    description: '',
    homepage: 'http://example.com/jsmith/example',
    git_http_url: 'http://example.com/jsmith/example.git',
    git_ssh_url: 'git@example.com:jsmith/example.git',
    visibility_level: 0,
  },
  commits: [],
  total_commits_count: 0,
};

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
