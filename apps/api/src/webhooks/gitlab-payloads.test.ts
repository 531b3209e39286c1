import { describe, expect, it } from 'vitest';
import { branchDeletePayload, pushPayload, randomSha } from '../../test/fixtures/gitlab/gitlab-fixtures.js';
import { pipelineEvent } from '../../test/fixtures/gitlab/pipeline-event.js';
import { pushEvent } from '../../test/fixtures/gitlab/push-event.js';
import { tagPushEvent } from '../../test/fixtures/gitlab/tag-push-event.js';
import { PayloadError, readGitlabEvent } from './gitlab-payloads.js';

describe('GitLab payloads (documented examples)', () => {
  it('reads the push example: branch, head commit, its time, the user, commits linked oldest first', () => {
    const e = readGitlabEvent('push', pushEvent);
    expect(e).toMatchObject({
      kind: 'push',
      ref: 'refs/heads/master',
      refType: 'branch',
      refName: 'master',
      sha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      actor: 'John Smith (jsmith)',
    });
    expect(e.commitAt?.toISOString()).toBe('2012-01-03T21:36:29.000Z');
    const commits = e.details.commits!;
    expect(commits.map((c) => c.sha)).toEqual([
      'b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327',
      'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
    ]);
    // total_commits_count is 4 but only 2 are listed: the first one's parent is unknown.
    expect(commits[0]!.parentSha).toBeNull();
    expect(commits[1]!.parentSha).toBe('b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327');
    expect(commits[0]).toMatchObject({
      title: 'Update Catalan translation to e38cb41.',
      authorName: 'Jordi Mallach',
      url: 'http://example.com/mike/diaspora/commit/b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327',
    });
  });

  it('links the first commit to `before` when the push lists every commit', () => {
    const p = pushPayload({ branch: 'dev', sha: randomSha(), before: randomSha() });
    p.total_commits_count = 2;
    expect(readGitlabEvent('push', p).details.commits![0]!.parentSha).toBe(p.before);
  });

  it('reads the tag push example: the commit is checkout_sha', () => {
    const e = readGitlabEvent('tag_push', tagPushEvent);
    expect(e).toMatchObject({ refType: 'tag', refName: 'v1.0.0', sha: '82b3d5ae55f7080f1e6022629cdb57bfae7cccc7' });
    expect(e.details.commits).toEqual([]);
  });

  it('reads the pipeline example: ref, status, source, and the commit', () => {
    const e = readGitlabEvent('pipeline', pipelineEvent);
    expect(e).toMatchObject({
      kind: 'pipeline',
      refType: 'branch',
      refName: 'master',
      sha: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
      actor: 'Administrator (root)',
      details: { pipeline: { id: 31, status: 'success', source: 'merge_request_event' } },
    });
    expect(e.details.commits![0]).toMatchObject({ title: 'test', authorName: 'User' });
    expect(e.commitAt?.toISOString()).toBe('2016-08-12T15:23:21.000Z');
  });

  it('marks a deleted branch', () => {
    const e = readGitlabEvent('push', branchDeletePayload('dev', randomSha()));
    expect(e.sha).toBeNull();
    expect(e.details.deleted).toBe(true);
  });

  it('refuses a body that is not the announced event', () => {
    expect(() => readGitlabEvent('push', tagPushEvent)).toThrow(PayloadError);
    expect(() => readGitlabEvent('tag_push', pushEvent)).toThrow(/object_kind/);
    expect(() => readGitlabEvent('pipeline', pushEvent)).toThrow(PayloadError);
    expect(() => readGitlabEvent('push', { ...pushEvent, ref: 'refs/tags/v1' })).toThrow(/refs\/heads/);
    expect(() => readGitlabEvent('push', [1, 2])).toThrow(PayloadError);
    expect(() => readGitlabEvent('push', null)).toThrow(PayloadError);
  });

  it('keeps only http(s) links and strips control characters', () => {
    const p = pushPayload({ branch: 'dev', sha: randomSha() });
    p.commits[0]!.url = 'javascript:alert(1)';
    p.commits[1]!.title = 'evil\u001b[31m title\nsecond';
    const commits = readGitlabEvent('push', p).details.commits!;
    expect(commits[0]!.url).toBeNull();
    expect(commits[1]!.title).toBe('evil [31m title second');
  });
});
