// @backends: sqlite-only
/**
 * Every TypeScript example in the README and docs/ compiles. Each block becomes a module of its
 * own: its imports stay at the top, the rest runs inside an async function (so top-level await
 * and repeated names are fine), with the blog's models in scope as the docs use them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;

interface Example {
  readonly doc: string;
  readonly line: number;
  readonly code: string;
  readonly tsx: boolean;
  /** `<!-- example: inside an object -->` (or `an array`) before a block: it is a part of one. */
  readonly inside?: 'object' | 'array';
}

function examples(): Example[] {
  const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const found: Example[] = [];
  for (const doc of docs) {
    const lines = readFileSync(join(root, doc), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const open = /^```(ts|tsx)\s*$/.exec(lines[i]!);
      if (open === null) continue;
      const start = i + 1;
      while (i + 1 < lines.length && lines[i + 1] !== '```') i++;
      const marker = /<!-- example: inside an? (object|array) -->/.exec(lines[start - 2] ?? '');
      found.push({ doc, line: start + 1, code: lines.slice(start, i + 1).join('\n'), tsx: open[1] === 'tsx', ...(marker ? { inside: marker[1] as 'object' | 'array' } : {}) });
      i++;
    }
  }
  return found;
}

/**
 * Names the docs use without importing them, as Django's docs do: Trove's exports (by entry
 * point) and a few values an example starts from.
 */
const ENTRY_POINTS: Record<string, string> = {
  trove: 'src/index.ts', 'trove/web': 'src/web/index.ts', 'trove/auth': 'src/auth/index.ts',
  'trove/admin': 'src/admin/index.ts', 'trove/config': 'src/cli/config.ts', 'trove/migrations': 'src/migrations/index.ts',
};
const CONTEXT: Record<string, string> = {
  post: "declare const post: InstanceOfClass<typeof Post>;",
  ann: "declare const ann: InstanceOfClass<typeof Author>;",
  request: "declare const request: ViewRequest;",
  cutoff: 'declare const cutoff: Date;',
  db: 'declare const db: Database;',
};

/** An entry point's exported names, each marked `type ` when it is a type only. */
function exportsOf(path: string, seen = new Set<string>()): string[] {
  if (seen.has(path)) return [];
  seen.add(path);
  const text = readFileSync(join(root, path), 'utf8');
  const names: string[] = [];
  for (const match of text.matchAll(/export\s+(type\s+)?\{([^}]*)\}/g)) {
    for (const part of match[2]!.split(',')) {
      const isType = match[1] !== undefined || /^\s*type\s/.test(part);
      const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()!.trim();
      if (/^[A-Za-z_$][\w$]*$/.test(name)) names.push(isType ? `type ${name}` : name);
    }
  }
  for (const match of text.matchAll(/export\s+(?:declare\s+)?(?:async\s+)?(const|let|function|class|type|interface|abstract class)\s+([A-Za-z_$][\w$]*)/g)) {
    names.push(match[1] === 'type' || match[1] === 'interface' ? `type ${match[2]}` : match[2]!);
  }
  for (const match of text.matchAll(/export\s+\*\s+from\s+'(\.[^']+)'/g)) names.push(...exportsOf(join(path, '..', match[1]!).replace(/^\//, ''), seen));
  return names;
}

const EXPORTS = Object.entries(ENTRY_POINTS).map(([module, path]) => {
  const names = new Map<string, string>();
  // A name that is a value too (`Q`) is imported as a value.
  for (const entry of exportsOf(path)) {
    const name = entry.replace(/^type /, '');
    if (!names.has(name) || !entry.startsWith('type ')) names.set(name, entry);
  }
  return { module, names };
});

/** The example as a module: imports first, everything else in an async function. */
function moduleOf(example: Example): string {
  const imports: string[] = [];
  const body: string[] = [];
  let inImport = false;
  for (const line of example.code.split('\n')) {
    if (inImport || /^import\s/.test(line)) {
      // Examples are written as in the blog project's folder.
      imports.push(line.replace(/from '\.\/([^']+)'/, `from '${root}examples/blog/$1'`));
      inImport = !/;\s*(\/\/.*)?$/.test(line) && !/from\s+'[^']+'\s*;?\s*$/.test(line);
      continue;
    }
    body.push(line.replace(/^export default /, 'const exported = ').replace(/^export (?!default)/, ''));
  }
  const blog = `${root}examples/blog/models.ts`;
  const text = body.join('\n');
  const declared = (name: string) => new RegExp(`(class|const|let|function|interface|type)\\s+${name}\\b`).test(text);
  const used = (name: string) => new RegExp(`(?<![.\\w$'])${name}\\b`).test(text) && !imports.some((l) => new RegExp(`\\b${name}\\b`).test(l)) && !declared(name);
  const imported = (name: string) => imports.some((l) => new RegExp(`\\b${name}\\b`).test(l));
  const context = Object.keys(CONTEXT).filter(used);
  const models = ['Author', 'Post', 'Comment', 'Tag'].filter((m) => !imported(m) && (used(m) || context.some((c) => CONTEXT[c]!.includes(m))));
  const wanted = new Set([...text.matchAll(/[A-Za-z_$][\w$]*/g)].map((m) => m[0]).filter(used));
  for (const c of context) for (const m of CONTEXT[c]!.matchAll(/[A-Z][\w$]*/g)) if (!imported(m[0])) wanted.add(m[0]);
  const taken = new Set(models);
  const fromTrove = EXPORTS.map(({ module, names }) => {
    const mine = [...wanted].filter((n) => names.has(n) && !taken.has(n));
    mine.forEach((n) => taken.add(n));
    return { module, names: mine.map((n) => names.get(n)!) };
  }).filter((e) => e.names.length > 0);
  return [
    ...(models.length > 0 ? [`import { ${models.join(', ')} } from '${blog}';`] : []),
    ...fromTrove.map((e) => `import { ${e.names.join(', ')} } from '${e.module}';`),
    ...imports,
    ...context.map((c) => CONTEXT[c]!),
    '',
    'export async function example(): Promise<void> {',
    ...(example.inside === 'object' ? ['void {', ...body, '};'] : example.inside === 'array' ? ['void [', ...body, '];'] : body),
    '}',
    '',
  ].join('\n');
}

test('every TypeScript example in the README and docs/ compiles', () => {
  const dir = join(root, 'test', '.tmp', `doc-examples-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    const all = examples();
    assert.ok(all.length > 20, `found ${all.length} examples`);
    const files = all.map((example, i) => {
      const file = join(dir, `example-${i}.${example.tsx ? 'tsx' : 'ts'}`);
      writeFileSync(file, moduleOf(example));
      return { file, example };
    });
    const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const program = ts.createProgram(files.map((f) => f.file), { ...options, noEmit: true, noUnusedLocals: false });
    const problems = ts.getPreEmitDiagnostics(program).flatMap((d) => {
      const source = files.find((f) => f.file === d.file?.fileName);
      if (source === undefined) return [];
      return [`${source.example.doc}:${source.example.line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`];
    });
    assert.deepEqual(problems, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
