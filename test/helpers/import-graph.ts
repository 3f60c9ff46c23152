/**
 * The import graph of the TypeScript sources under a folder: every relative specifier of
 * `import … from`, `export … from`, `import "…"`, `import(…)` and `require(…)`, type-only imports
 * included (they still say which module knows which). Pure over a map of file texts, so a test can
 * plant an import and see a check fail.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

/** File (relative to the root, `/`-separated) → the files it imports. */
export type ImportGraph = Map<string, Set<string>>;

const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;

/** The `.ts` files under `root`, by path relative to it, with their text. */
export function readSources(root: string): Map<string, string> {
  const sources = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) sources.set(relative(root, path).split("\\").join("/"), readFileSync(path, "utf8"));
    }
  };
  walk(root);
  return sources;
}

export function importGraph(sources: ReadonlyMap<string, string>): ImportGraph {
  const resolve = (from: string, specifier: string): string | undefined => {
    const base = normalize(join(dirname(from), specifier)).split("\\").join("/");
    return [base, `${base}.ts`, `${base}/index.ts`, base.replace(/\.js$/, ".ts")].find((candidate) => sources.has(candidate));
  };
  const graph: ImportGraph = new Map();
  for (const [file, text] of sources) {
    const targets = new Set<string>();
    for (const match of text.matchAll(SPECIFIER)) {
      const target = resolve(file, match[1]!);
      if (target !== undefined && target !== file) targets.add(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** The import circles (strongly connected components of more than one file), each sorted, sorted by first file. */
export function importCircles(graph: ImportGraph): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const circles: string[][] = [];
  const connect = (v: string): void => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) !== indices.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) circles.push(component.sort());
  };
  for (const file of graph.keys()) if (!indices.has(file)) connect(file);
  return circles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** Every file `file` reaches through imports, itself excluded. */
export function reachable(graph: ImportGraph, file: string): Set<string> {
  const seen = new Set<string>();
  const visit = (f: string) => {
    for (const next of graph.get(f) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        visit(next);
      }
    }
  };
  visit(file);
  seen.delete(file);
  return seen;
}

/**
 * Each import from a file matching `from` to a file matching `to`, as `a -> b`; with `transitive`,
 * each file matching `to` that a `from` file reaches through any chain of imports.
 */
export function importsBetween(graph: ImportGraph, from: (file: string) => boolean, to: (file: string) => boolean, transitive = false): string[] {
  const found: string[] = [];
  for (const file of [...graph.keys()].filter(from).sort()) {
    const targets = transitive ? reachable(graph, file) : (graph.get(file) ?? new Set<string>());
    for (const target of [...targets].sort()) if (to(target)) found.push(`${file} -> ${target}`);
  }
  return found;
}
