/**
 * How long a `trove` command takes as a user types it, in a project made by `trove startproject`:
 * a whole new process, from Node's start to its exit. Variants, interleaved round by round:
 *
 * - `node -e 0`: Node starting and stopping, the floor of any command.
 * - raw: a plain script that opens the project's SQLite file with better-sqlite3 and prints the
 *   applied migrations, what `showmigrations` reports, with nothing else loaded.
 * - installed: `trove showmigrations` from the tarball `npm pack` makes (compiled JavaScript,
 *   the project's TypeScript through Trove's hooks).
 * - sources: the same command from this repository's src/ under tsx, as before the package.
 * - Django 5.2's `manage.py showmigrations` on its own SQLite file (`BENCH_DJANGO_PYTHON`,
 *   default /tmp/djv/bin/python when it exists).
 *
 * Run: `npx tsx bench/cli-start.ts [rounds]` (default 15). The package is installed into
 * bench/.data/cli-start (the first run compiles better-sqlite3 there, a minute or so).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const rounds = Number(process.argv[2] ?? 15);
const place = join(root, 'bench', '.data', 'cli-start');
const project = join(place, 'proj');

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

console.log('Packing and installing Trove…');
mkdirSync(place, { recursive: true });
for (const old of readdirSync(place).filter((f) => f.endsWith('.tgz'))) rmSync(join(place, old));
const tarball = run('npm', ['pack', '--pack-destination', place], root).trim().split('\n').at(-1)!;
if (!existsSync(join(place, 'package.json'))) writeFileSync(join(place, 'package.json'), '{ "private": true, "type": "module" }\n');
run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `./${tarball}`], place);
const installedBin = join(place, 'node_modules', 'trove', 'bin', 'trove.js');
rmSync(project, { recursive: true, force: true });
run(process.execPath, [installedBin, 'startproject', 'proj'], place);
run(process.execPath, [installedBin, 'migrate'], project);
writeFileSync(join(project, 'raw.mjs'), `import Database from 'better-sqlite3';
const db = new Database('db.sqlite3', { readonly: true });
for (const row of db.prepare('select app, name from trove_migrations order by id').all()) console.log(row.app, row.name);
`);

interface Variant { name: string; command: string; args: string[]; cwd: string; env?: NodeJS.ProcessEnv }
const variants: Variant[] = [
  { name: 'node -e 0 (Node alone)', command: process.execPath, args: ['-e', '0'], cwd: project },
  { name: 'raw: better-sqlite3 reads the applied migrations', command: process.execPath, args: ['raw.mjs'], cwd: project },
  { name: 'trove showmigrations, installed package', command: process.execPath, args: [installedBin, 'showmigrations'], cwd: project },
  { name: 'trove showmigrations, from src/ under tsx', command: process.execPath, args: [join(root, 'bin', 'trove.js'), 'showmigrations'], cwd: project },
  { name: 'trove --version, installed package', command: process.execPath, args: [installedBin, '--version'], cwd: project },
];
const python = process.env.BENCH_DJANGO_PYTHON ?? (existsSync('/tmp/djv/bin/python') ? '/tmp/djv/bin/python' : undefined);
if (python !== undefined) {
  const scratch = mkdtempSync(join(tmpdir(), 'cli-start-django-'));
  const env = { ...process.env, DJANGO_SETTINGS_MODULE: 'benchsite.settings', BENCH_DJANGO_OWN_DB: join(scratch, 'own.sqlite3'), BENCH_BLOG_DB: `sqlite:${join(scratch, 'blog.sqlite3')}` };
  run(python, ['manage.py', 'migrate', '--verbosity', '0'], join(root, 'bench', 'django'), env);
  const version = run(python, ['-c', 'import django; print(django.get_version())'], root).trim();
  variants.push({ name: `Django ${version} manage.py showmigrations`, command: python, args: ['manage.py', 'showmigrations'], cwd: join(root, 'bench', 'django'), env });
}

for (const variant of variants) run(variant.command, variant.args, variant.cwd, variant.env); // warm the file cache
const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
for (let round = 0; round < rounds; round++) {
  for (const variant of variants) {
    const started = performance.now();
    run(variant.command, variant.args, variant.cwd, variant.env);
    times.get(variant.name)!.push(performance.now() - started);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const raw = median(times.get(variants[1]!.name)!);
console.log(`\n${rounds} rounds, Node ${process.version}\n`);
console.log('| command, whole process | median ms | ratio to raw |');
console.log('|---|---:|---:|');
for (const [name, values] of times) console.log(`| ${name} | ${median(values).toFixed(0)} | ${(median(values) / raw).toFixed(2)}x |`);
