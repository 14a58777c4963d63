/**
 * Migrations, measured.
 *
 * 1. On a 1,000,000-row SQLite table, one migration adds a NOT NULL field and makes another NOT
 *    NULL: both need the table copied, and Trove copies it once. Compared, on the same data in
 *    the same run, with one hand-written table rebuild to the same shape, and with two (what a
 *    copy per operation costs, as Django's SQLite schema editor does). With Django
 *    (`BENCH_DJANGO_PYTHON`, default /tmp/djv/bin/python when it exists), Django's own `migrate`
 *    of the same change on the same rows (bench/django/migrate_bench.py).
 * 2. `trove makemigrations --check` on a project of 50 models and 100 migrations, timed as a
 *    user sees it (a new process: Node, tsx, the project, every migration file).
 *
 *   npx tsx bench/migrate.ts
 *   BENCH_ROWS=100000 BENCH_ROUNDS=3 npx tsx bench/migrate.ts
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { connect, fields as f } from '../src/index.ts';
import { addField, alterField, createModel, MigrationExecutor, MigrationGraph, MigrationProject, ProjectState, type Migration } from '../src/migrations/index.ts';

const root = new URL('..', import.meta.url).pathname;
const work = join(root, 'bench', '.data', 'migrate');
const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// ---- 1. one copy of a big table -----------------------------------------------------------

const initial: Migration = {
  app: 'bench', name: '0001_initial', dependencies: [],
  operations: [createModel('bench.Item', {
    name: f.char({ maxLength: 40, unique: true }),
    value: f.integer({ null: true, dbIndex: true }),
    createdAt: f.dateTime(),
  })],
};
const change: Migration = {
  app: 'bench', name: '0002_item_score_alter_item_value', dependencies: [['bench', '0001_initial']],
  operations: [
    addField('bench.Item', 'score', f.integer(), { fill: 0 }),
    alterField('bench.Item', 'value', f.integer({ dbIndex: true }), { fill: 0 }),
  ],
};

/** The final shape, written by hand: what a person would run to rebuild the table once. */
function handRebuild(from: string, selectScore: string, selectValue: string): string[] {
  return [
    `create table "__new__bench_item" ("id" integer primary key autoincrement, "name" varchar(40) not null, "value" integer not null, "created_at" text not null, "score" integer not null)`,
    `insert into "__new__bench_item" ("id", "name", "value", "created_at", "score") select "id", "name", ${selectValue}, "created_at", ${selectScore} from "${from}"`,
    `drop table "${from}"`,
    `alter table "__new__bench_item" rename to "bench_item"`,
    `create unique index "bench_item_name_uniq" on "bench_item" ("name")`,
    `create index "bench_item_value_idx" on "bench_item" ("value")`,
  ];
}

/** Two copies: one per operation, each to the shape after it. */
function twoRebuilds(): string[] {
  return [
    `create table "__a" ("id" integer primary key autoincrement, "name" varchar(40) not null, "value" integer, "created_at" text not null, "score" integer not null)`,
    `insert into "__a" ("id", "name", "value", "created_at", "score") select "id", "name", "value", "created_at", 0 from "bench_item"`,
    `drop table "bench_item"`,
    `alter table "__a" rename to "bench_item"`,
    `create unique index "bench_item_name_uniq" on "bench_item" ("name")`,
    `create index "bench_item_value_idx" on "bench_item" ("value")`,
    ...handRebuild('bench_item', '"score"', 'coalesce("value", 0)'),
  ];
}

async function seedFile(path: string): Promise<void> {
  rmSync(path, { force: true });
  const db = await connect(`sqlite:${path}`);
  await new MigrationExecutor(db, new MigrationGraph([initial, change]), ProjectState.empty()).migrate([{ app: 'bench', name: '0001' }]);
  await sql`insert into bench_item (name, value, created_at)
    with recursive n(i) as (select 1 union all select i + 1 from n where i < ${sql.lit(rows)})
    select 'item ' || i, case when i % 10 = 0 then null else i % 1000 end, '2026-01-01T00:00:00.000Z' from n`.execute(db.kysely);
  await db.close();
}

async function timeOnCopy(base: string, run: (path: string) => Promise<void>): Promise<number> {
  const path = join(work, 'run.sqlite3');
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  copyFileSync(base, path);
  const start = performance.now();
  await run(path);
  return performance.now() - start;
}

async function rawStatements(path: string, statements: string[]): Promise<void> {
  const db = await connect(`sqlite:${path}`);
  await sql`pragma foreign_keys = off`.execute(db.kysely);
  await db.kysely.transaction().execute(async (trx) => {
    for (const statement of statements) await sql.raw(statement).execute(trx);
  });
  await db.close();
}

async function benchCopy(): Promise<string> {
  mkdirSync(work, { recursive: true });
  const base = join(work, 'base.sqlite3');
  console.log(`Seeding ${rows.toLocaleString('en')} rows…`);
  await seedFile(base);
  const { statements } = await MigrationProject.of([initial, change]).sqlOf(change, 'sqlite');
  const copies = statements.filter((s) => /^insert into "__new__/.test(s)).length;
  const samples = { trove: [] as number[], once: [] as number[], twice: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    // Interleaved, so that a slow spell of the machine falls on all three alike.
    samples.trove.push(await timeOnCopy(base, async (path) => {
      const db = await connect(`sqlite:${path}`);
      await new MigrationExecutor(db, new MigrationGraph([initial, change]), ProjectState.empty()).migrate();
      await db.close();
    }));
    samples.once.push(await timeOnCopy(base, (path) => rawStatements(path, handRebuild('bench_item', '0', 'coalesce("value", 0)'))));
    samples.twice.push(await timeOnCopy(base, (path) => rawStatements(path, twoRebuilds())));
    console.log(`  round ${round + 1}: Trove ${samples.trove.at(-1)!.toFixed(0)} ms, one rebuild ${samples.once.at(-1)!.toFixed(0)} ms, two ${samples.twice.at(-1)!.toFixed(0)} ms`);
  }
  const once = median(samples.once);
  const python = process.env.BENCH_DJANGO_PYTHON ?? (existsSync('/tmp/djv/bin/python') ? '/tmp/djv/bin/python' : undefined);
  let djangoRow: string[] = [];
  if (python !== undefined) {
    console.log('Django…');
    const output = execFileSync(python, [join(root, 'bench', 'django', 'migrate_bench.py'), join(work, 'django'), String(rows), String(rounds)], { encoding: 'utf8' });
    const result = JSON.parse(output.trim().split('\n').at(-1)!) as { django: string; samples: number[] };
    const ms = median(result.samples);
    djangoRow = [`| Django ${result.django} \`migrate\` (AddField + AlterField: a copy each) | ${ms.toFixed(0)} | ${(ms / once).toFixed(2)}x |`];
  }
  const lines = [
    `Trove's migration copies the table ${copies === 1 ? 'once' : `${copies} times`} (statements from sqlOf).`,
    '',
    `| ${rows.toLocaleString('en')} rows, add a NOT NULL field + make another NOT NULL | median ms | ratio to one hand-written rebuild |`,
    '|---|---:|---:|',
    `| one hand-written rebuild | ${once.toFixed(0)} | 1.00x |`,
    `| Trove migrate (one transaction, foreign_key_check included) | ${median(samples.trove).toFixed(0)} | ${(median(samples.trove) / once).toFixed(2)}x |`,
    `| two hand-written rebuilds (a copy per operation) | ${median(samples.twice).toFixed(0)} | ${(median(samples.twice) / once).toFixed(2)}x |`,
    ...djangoRow,
  ];
  rmSync(work, { recursive: true, force: true });
  return lines.join('\n');
}

// ---- 2. makemigrations on a big project ---------------------------------------------------

const MODELS = 50;
const MIGRATIONS = 100;

/** Model i's fields: five of its own, a key to the model before it, and `extra` added later. */
function fieldsSource(i: number, extra: number): string {
  const own = [`name: f.char({ maxLength: 100 })`, `rank: f.integer({ null: true })`, `note: f.text()`, `flag: f.boolean()`, `at: f.dateTime({ null: true })`];
  if (i > 0) own.push(`parent: f.foreignKey('big.M${i - 1}', { onDelete: CASCADE })`);
  for (let k = 0; k < extra; k++) own.push(`extra${k}: f.integer({ null: true })`);
  return `{ ${own.join(', ')} }`;
}

function writeProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'migrations'), { recursive: true });
  // Migration 1 creates the 50 models; each later one adds a field to one of them.
  const extras = new Array<number>(MODELS).fill(0);
  const header = "import { fields as f, CASCADE } from 'trove';\nimport { addField, createModel, type Dependency, type Operation } from 'trove/migrations';\n";
  const creates = Array.from({ length: MODELS }, (_, i) => `  createModel('big.M${i}', ${fieldsSource(i, 0)}),`).join('\n');
  writeFileSync(join(dir, 'migrations', '0001_initial.ts'), `${header}export const dependencies: Dependency[] = [];\nexport const operations: Operation[] = [\n${creates}\n];\n`);
  for (let n = 2; n <= MIGRATIONS; n++) {
    const target = n % MODELS;
    const name = `${String(n).padStart(4, '0')}_m${target}_extra${extras[target]}`;
    const previous = n === 2 ? '0001_initial' : `${String(n - 1).padStart(4, '0')}_m${(n - 1) % MODELS}_extra${extras[(n - 1) % MODELS]! - 1}`;
    writeFileSync(join(dir, 'migrations', `${name}.ts`), `${header}export const dependencies: Dependency[] = [['big', '${previous}']];\nexport const operations: Operation[] = [\n  addField('big.M${target}', 'extra${extras[target]}', f.integer({ null: true })),\n];\n`);
    extras[target]!++;
  }
  // The models as they are now: one change (a field on M0) that no migration holds.
  extras[0]!++;
  const classes = Array.from({ length: MODELS }, (_, i) => `export class M${i} extends model('big.M${i}', ${fieldsSource(i, extras[i]!)}) {}`).join('\n');
  writeFileSync(join(dir, 'models.ts'), `import { model, fields as f, CASCADE } from 'trove';\n${classes}\n`);
  writeFileSync(join(dir, 'trove.config.ts'), "import { defineConfig } from 'trove/config';\nexport default defineConfig({ apps: ['./models.ts'] });\n");
}

function benchMakemigrations(): string {
  const dir = join(root, 'bench', '.data', 'big-project');
  writeProject(dir);
  const times: number[] = [];
  let output = '';
  for (let round = 0; round < rounds + 1; round++) {
    const start = performance.now();
    try {
      execFileSync(process.execPath, [join(root, 'bin', 'trove.js'), 'makemigrations', '--check'], { cwd: dir, stdio: 'pipe' });
      output = 'no change found';
    } catch (error) {
      output = String((error as { stderr: Buffer }).stderr);
    }
    // The first run fills tsx's compile cache, as a user's first run after an install does.
    if (round > 0) times.push(performance.now() - start);
  }
  const trimmed = output.trim().split('\n').slice(0, 2).join(' / ');
  const node = median(Array.from({ length: 3 }, () => {
    const start = performance.now();
    execFileSync(process.execPath, [join(root, 'bin', 'trove.js'), '--version'], { stdio: 'pipe' });
    return performance.now() - start;
  }));
  rmSync(dir, { recursive: true, force: true });
  return [
    `| makemigrations --check, ${MODELS} models, ${MIGRATIONS} migrations | median ms |`,
    '|---|---:|',
    `| the whole command (a new process) | ${median(times).toFixed(0)} |`,
    `| of which starting Node and tsx (\`trove --version\`) | ${node.toFixed(0)} |`,
    '',
    `It found: ${trimmed}`,
  ].join('\n');
}

const copy = await benchCopy();
const make = benchMakemigrations();
console.log(`\n${copy}\n\n${make}`);
