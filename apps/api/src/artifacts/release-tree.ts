// The directory tree a tarball builds when it is unpacked, modelled entry by entry so every
// path and symlink target is resolved the way the kernel will resolve it on the host:
// through symlinks already in the tree (links to links, links as parents of later entries),
// `..` taken physically. Whatever would land outside the release root is refused.

/** Linux gives up after 40 symlinks in one lookup (MAXSYMLINKS); so does this model. */
const MAX_LINK_HOPS = 40;
/** Bounds the work one lookup can cause (a chain of long link targets). */
const MAX_LOOKUP_STEPS = 4096;

interface DirNode {
  kind: 'dir';
  parent: DirNode | null;
  children: Map<string, TreeNode>;
}
interface FileNode {
  kind: 'file';
}
interface LinkNode {
  kind: 'symlink';
  target: string;
}
type TreeNode = DirNode | FileNode | LinkNode;

export type TreeEntryType = 'file' | 'directory' | 'symlink';

/** Thrown with a reason that completes `tarball entry "<name>" ...`. */
export class TreeRefusal extends Error {}

const NAME_OF: Record<TreeNode['kind'], string> = { dir: 'directory', file: 'file', symlink: 'symlink' };

function newDir(parent: DirNode | null): DirNode {
  return { kind: 'dir', parent, children: new Map() };
}

export class ReleaseTree {
  private readonly root: DirNode = newDir(null);
  private links = 0;

  constructor(private readonly maxSymlinks = 100_000) {}

  /**
   * Adds one entry (its path already normalised: no `.`, `..` or empty segments; '' is the
   * root). Throws TreeRefusal if extracting it would write or point outside the root, or
   * would put one kind of entry where another already is.
   */
  add(path: string, type: TreeEntryType, linkname: string | null): void {
    if (path === '') {
      if (type !== 'directory') throw new TreeRefusal('has an empty name');
      return;
    }
    const segments = path.split('/');
    const name = segments.pop()!;
    // tar creates missing parent directories and follows symlinks on the way.
    const parent = this.walk(this.root, segments, true);
    const existing = parent.children.get(name);
    if (existing?.kind === 'symlink') throw new TreeRefusal('would replace a symlink that is already in the tarball');
    const want: TreeNode['kind'] = type === 'directory' ? 'dir' : type;
    if (existing && existing.kind !== want)
      throw new TreeRefusal(`is a ${NAME_OF[want]} where the tarball already has a ${NAME_OF[existing.kind]}`);
    if (existing) return; // same kind again: tar rewrites it in place

    if (type === 'symlink') {
      const target = linkname ?? '';
      if (target === '') throw new TreeRefusal('is a symlink without a target');
      if (target.startsWith('/')) throw new TreeRefusal(`is a symlink to an absolute path (-> ${target})`);
      this.walk(parent, target.split('/'), false, target);
      if (++this.links > this.maxSymlinks)
        throw new TreeRefusal(`is one symlink too many (the limit is ${this.maxSymlinks})`);
      parent.children.set(name, { kind: 'symlink', target });
    } else {
      parent.children.set(name, type === 'directory' ? newDir(parent) : { kind: 'file' });
    }
  }

  /**
   * Resolves `segments` from `start` like the kernel would, following symlinks. With
   * `create`, missing directories are made (tar does that for parents). Without it (a symlink
   * target), a missing component ends the walk: everything below it is missing too, and a
   * later `..` is refused, because a later entry could turn the missing part into a symlink
   * and move where that `..` lands.
   */
  private walk(start: DirNode, segments: string[], create: true): DirNode;
  private walk(start: DirNode, segments: string[], create: false, shown: string): void;
  private walk(start: DirNode, segments: string[], create: boolean, shown?: string): DirNode | void {
    const outside = (): TreeRefusal =>
      new TreeRefusal(
        create
          ? 'would be written outside the release through a symlink'
          : `is a symlink that points outside the release (-> ${shown})`,
      );
    let cur = start;
    const queue = [...segments].reverse(); // pop() takes the next component
    let hops = 0;
    let steps = 0;
    let missing = false;
    while (queue.length > 0) {
      if (++steps > MAX_LOOKUP_STEPS) throw new TreeRefusal('resolves through too many path components');
      const seg = queue.pop()!;
      if (seg === '' || seg === '.') continue;
      if (seg === '..') {
        if (missing)
          throw new TreeRefusal(`is a symlink with ".." after a path the tarball has not made (-> ${shown})`);
        if (cur.parent === null) throw outside();
        cur = cur.parent;
        continue;
      }
      if (missing) continue;
      const node = cur.children.get(seg);
      if (node === undefined) {
        if (!create) {
          missing = true;
          continue;
        }
        const dir = newDir(cur);
        cur.children.set(seg, dir);
        cur = dir;
      } else if (node.kind === 'dir') {
        cur = node;
      } else if (node.kind === 'file') {
        // A symlink may point at a file; nothing may go through one.
        if (!create && queue.every((s) => s === '' || s === '.')) return;
        throw new TreeRefusal(create ? 'is inside a path that is a file' : `is a symlink through a file (-> ${shown})`);
      } else {
        if (++hops > MAX_LINK_HOPS) throw new TreeRefusal('resolves through too many symlinks (a loop?)');
        if (node.target.startsWith('/')) throw outside();
        // The link's target is resolved from the directory that holds the link: `cur`.
        for (const s of node.target.split('/').reverse()) queue.push(s);
      }
    }
    if (create) return cur;
  }
}
