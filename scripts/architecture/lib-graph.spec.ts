import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The shape of the monorepo, read from the import statements: libs depend on each other without
 * cycles, apps never import each other, and docs/architecture.md lists each lib's dependencies as
 * they are (so the document cannot drift from the code).
 */
const ROOT = join(__dirname, '..', '..');
const SOURCE = /\.(ts|tsx)$/;
const IMPORT = /(?:import|export)\s[^'"]*?from\s+'(@velvet\/[a-z-]+|(?:\.\.\/)+apps\/[a-z-]+)/g;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.name === 'node_modules' || e.name === 'dist'
      ? []
      : e.isDirectory()
        ? files(join(dir, e.name))
        : SOURCE.test(e.name)
          ? [join(dir, e.name)]
          : [],
  );
}

function dependencies(kind: 'libs' | 'apps'): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const name of readdirSync(join(ROOT, kind))) {
    const deps = new Set<string>();
    for (const file of files(join(ROOT, kind, name))) {
      if (file.endsWith('.spec.ts')) continue;
      for (const [, target] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const dep = target.startsWith('@velvet/')
          ? target.slice(8)
          : `apps/${target.split('/').pop()}`;
        if (dep !== name) deps.add(dep);
      }
    }
    graph.set(name, deps);
  }
  return graph;
}

function cycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    path.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    const found = visit(node);
    if (found) return found;
  }
  return null;
}

describe('the monorepo shape', () => {
  const libs = dependencies('libs');

  it('has no dependency cycle between libs', () => {
    expect(cycle(libs)).toBeNull();
  });

  it('has no app importing another app', () => {
    const apps = dependencies('apps');
    const crossings = [...apps].flatMap(([app, deps]) =>
      [...deps].filter((d) => d.startsWith('apps/')).map((d) => `${app} -> ${d}`),
    );
    expect(crossings).toEqual([]);
  });

  it('is described as it is in docs/architecture.md', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
    const documented = new Map<string, string>();
    for (const [, lib, deps] of doc.matchAll(/^\|\s*`([a-z-]+)`\s*\|\s*([^|]*?)\s*\|/gm))
      documented.set(lib, deps.trim());
    const actual = new Map(
      [...libs].map(([lib, deps]) => [
        lib,
        [...deps]
          .sort()
          .map((d) => `\`${d}\``)
          .join(', ') || '—',
      ]),
    );
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(actual));
  });
});
