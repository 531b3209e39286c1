// Which commits lie between what an environment runs and what is about to be released, from
// the commits Wharf knows (no git here): each known commit points to the one GitLab listed
// before it in a push. Pure: the chains are loaded by the caller.
import type { ChangelogDirection } from '@wharf/shared';

export interface KnownCommit {
  sha: string;
  parentSha: string | null;
  authoredAt: Date | null;
}

export interface Linked<C extends KnownCommit> {
  direction: ChangelogDirection;
  /** Newest first. */
  commits: C[];
  complete: boolean;
}

/**
 * `targetChain` / `runningChain`: the known commits from each sha back through parents,
 * newest first (each may be empty when its commit is unknown).
 */
export function linkCommits<C extends KnownCommit>(
  target: { sha: string | null; chain: C[] },
  running: { sha: string | null; chain: C[] },
): Linked<C> {
  if (!target.sha || !running.sha) return { direction: 'unknown', commits: [], complete: false };
  if (target.sha === running.sha) return { direction: 'same', commits: [], complete: true };
  const forward = upTo(target.chain, running.sha);
  if (forward) return { direction: 'forward', commits: forward, complete: true };
  const back = upTo(running.chain, target.sha);
  if (back) return { direction: 'rollback', commits: back, complete: true };
  // Not linked through known commits: the commits' own times still tell old from new.
  const t = target.chain[0]?.sha === target.sha ? target.chain[0].authoredAt : null;
  const r = running.chain[0]?.sha === running.sha ? running.chain[0].authoredAt : null;
  if (t && r && t.getTime() !== r.getTime()) {
    return { direction: t > r ? 'forward' : 'rollback', commits: [], complete: false };
  }
  return { direction: 'unknown', commits: [], complete: false };
}

/** The chain's commits before `stop` (exclusive), or null if the chain never reaches it. */
function upTo<C extends KnownCommit>(chain: C[], stop: string): C[] | null {
  for (let i = 0; i < chain.length; i++) {
    if (chain[i]!.sha === stop) return chain.slice(0, i);
    // The chain may end at a commit Wharf does not know, named only as a parent.
    if (chain[i]!.parentSha === stop) return chain.slice(0, i + 1);
  }
  return null;
}
