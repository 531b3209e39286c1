// Import cycles in apps/api/src: none between files, and none between feature folders
// (auth, audit, projects, ...) beyond the one listed below. Folder cycles are what make a
// feature impossible to read, test or move on its own; they start as one harmless import.
// Imports are read with the TypeScript compiler's own scanner, type-only ones included.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/**
 * Folder cycles that exist and are to be broken, not added to: deployments take the
 * artifact locks, artifacts record commits (webhooks), and auto-deploys create deployments.
 */
const KNOWN_FOLDER_CYCLES = [['artifacts', 'deployments', 'webhooks']];

type Graph = Map<string, Set<string>>;

/** Relative imports of every .ts and .js file under src (generated code excluded), as src paths. */
async function fileGraph(): Promise<Graph> {
  const files = (await readdir(SRC, { recursive: true }))
    .map((f) => f.split(sep).join('/'))
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts') && !f.startsWith('generated/'));
  const known = new Set(files);
  const graph: Graph = new Map();
  for (const file of files) {
    const deps = new Set<string>();
    const { importedFiles } = ts.preProcessFile(await readFile(join(SRC, file), 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const path = relative(SRC, normalize(join(SRC, dirname(file), fileName)))
        .split(sep)
        .join('/');
      // `./x.js` names x.ts, or a plain JavaScript source (allowJs) such as Verify's worker.
      const target = path.replace(/\.js$/, '.ts');
      if (known.has(target)) deps.add(target);
      else if (known.has(path)) deps.add(path);
      else if (known.has(`${target}/index.ts`)) deps.add(`${target}/index.ts`);
      // Outside src (test fixtures) or generated: no cycle can run through them.
      else if (!target.startsWith('../') && !target.startsWith('generated/'))
        throw new Error(`${file}: cannot resolve ${fileName}`);
    }
    graph.set(file, deps);
  }
  return graph;
}

/** The same graph between feature folders; a file at the top of src is its own node. */
function folderGraph(files: Graph): Graph {
  const folder = (f: string) => f.split('/')[0]!;
  const graph: Graph = new Map();
  for (const [file, deps] of files) {
    const from = folder(file);
    const out = graph.get(from) ?? new Set<string>();
    for (const d of deps) if (folder(d) !== from) out.add(folder(d));
    graph.set(from, out);
  }
  return graph;
}

/** Strongly connected components with more than one node (Tarjan), each sorted. */
function cycles(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.has(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found.sort((a, b) => a.join().localeCompare(b.join()));
}

describe('import cycles in apps/api/src', () => {
  let files: Graph;
  beforeAll(async () => {
    files = await fileGraph();
  });

  it('reads the whole source tree', () => {
    expect(files.size).toBeGreaterThan(100);
    expect(files.get('audit/audit.service.ts')).toContain('common/request-context.ts');
  });

  it('no file imports itself through other files', () => {
    expect(cycles(files)).toEqual([]);
  });

  it('no feature folder depends on itself through others (auth ↔ audit broken; one known cycle left)', () => {
    const folders = folderGraph(files);
    expect(folders.get('audit')).not.toContain('auth');
    expect(cycles(folders)).toEqual(KNOWN_FOLDER_CYCLES);
  });

  it('the cycle finder finds cycles (so the checks above can fail)', () => {
    const g: Graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['d'])],
      ['e', new Set(['a'])],
    ]);
    expect(cycles(g)).toEqual([['a', 'b', 'c'], ['d']]);
  });
});
