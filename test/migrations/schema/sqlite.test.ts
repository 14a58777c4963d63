// @backends: sqlite-only
/**
 * SQLite alters a table once per migration, however many operations touch it: the copy keeps
 * rows, indexes and foreign keys (both ways), and any sequence of field operations in one
 * migration leaves the rows a simple reference says it should.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { CASCADE, connect, fields as f, model } from '../../../src/index.ts';
import {
  addField, alterField, createModel, MigrationExecutor, MigrationGraph, MigrationProject, ProjectState, removeField, renameField,
  type Migration, type Operation,
} from '../../../src/migrations/index.ts';

const initial = (...operations: Operation[]): Migration => ({ app: 'prop', name: '0001_initial', dependencies: [], operations });
const next = (name: string, ...operations: Operation[]): Migration => ({ app: 'prop', name, dependencies: [['prop', '0001_initial']], operations });

test('two operations that each need a copy of the table copy it once, keeping indexes and foreign keys both ways', async () => {
  const db = await connect('sqlite::memory:');
  try {
    const first = initial(
      createModel('prop.Author', { name: f.char({ maxLength: 20 }) }),
      createModel('prop.Post', { title: f.char({ maxLength: 20, unique: true }), rank: f.integer({ null: true }), author: f.foreignKey('prop.Author', { onDelete: CASCADE }) }, { softDelete: true }),
      createModel('prop.Comment', { post: f.foreignKey('prop.Post', { onDelete: CASCADE }) }),
    );
    const second = next('0002_two_copies',
      addField('prop.Post', 'editor', f.foreignKey('prop.Author', { onDelete: CASCADE }), { fill: 1 }),
      alterField('prop.Post', 'rank', f.integer(), { fill: 0 }),
    );
    const graph = new MigrationGraph([first, second]);
    const executor = new MigrationExecutor(db, graph, ProjectState.empty());
    await executor.migrate([{ app: 'prop', name: '0001' }]);
    await sql`insert into prop_author (name) values ('Ann'), ('Bob')`.execute(db.kysely);
    await sql`insert into prop_post (title, rank, author_id) values ('a', null, 1), ('b', 5, 2)`.execute(db.kysely);
    await sql`insert into prop_comment (post_id) values (1), (2)`.execute(db.kysely);

    const { statements } = await MigrationProject.of([first, second]).sqlOf(second, 'sqlite');
    assert.equal(statements.filter((s) => s.startsWith('insert into "__new__prop_post"')).length, 1, statements.join('\n'));
    assert.equal(statements.filter((s) => s.startsWith('insert into')).length, 1, 'no other table is copied');

    await executor.migrate();
    const rows = (await sql<Record<string, unknown>>`select id, title, rank, author_id, editor_id from prop_post order by id`.execute(db.kysely)).rows;
    assert.deepEqual(rows, [{ id: 1, title: 'a', rank: 0, author_id: 1, editor_id: 1 }, { id: 2, title: 'b', rank: 5, author_id: 2, editor_id: 1 }]);
    const indexes = (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'prop_post' and sql is not null order by name`.execute(db.kysely)).rows.map((r) => r.name);
    assert.deepEqual(indexes, ['prop_post_author_id_idx', 'prop_post_deleted_at_idx', 'prop_post_deletion_id_idx', 'prop_post_editor_id_idx', 'prop_post_title_uniq']);
    const live = (await sql<{ sql: string }>`select sql from sqlite_master where name = 'prop_post_title_uniq'`.execute(db.kysely)).rows[0]!.sql;
    assert.match(live, /where "deleted_at" is null/, 'unique among live rows only, still');
    const outgoing = (await sql<{ table: string; from: string }>`pragma foreign_key_list(prop_post)`.execute(db.kysely)).rows.map((r) => `${r.from}->${r.table}`).sort();
    assert.deepEqual(outgoing, ['author_id->prop_author', 'editor_id->prop_author']);
    // The comments still point at the new table, and the database still enforces it.
    await assert.rejects(sql`insert into prop_comment (post_id) values (99)`.execute(db.kysely), /FOREIGN KEY/);
  } finally {
    await db.close();
  }
});

test('a NOT NULL column added with a fill gives old rows the value and keeps no default (the table is copied)', async () => {
  const db = await connect('sqlite::memory:');
  try {
    const first = initial(createModel('prop.Box', { name: f.char({ maxLength: 20 }) }));
    const second = next('0002_size', addField('prop.Box', 'size', f.integer(), { fill: 5 }));
    const executor = new MigrationExecutor(db, new MigrationGraph([first, second]), ProjectState.empty());
    await executor.migrate([{ app: 'prop', name: '0001' }]);
    await sql`insert into prop_box (name) values ('a')`.execute(db.kysely);
    await executor.migrate();
    assert.deepEqual((await sql<Record<string, unknown>>`select name, size from prop_box`.execute(db.kysely)).rows, [{ name: 'a', size: 5 }]);
    const definition = (await sql<{ sql: string }>`select sql from sqlite_master where name = 'prop_box'`.execute(db.kysely)).rows[0]!.sql;
    assert.doesNotMatch(definition, /default/i, definition);
    // A new row must say its size, as the model does.
    await assert.rejects(sql`insert into prop_box (name) values ('b')`.execute(db.kysely), /NOT NULL/);
  } finally {
    await db.close();
  }
});

test('a foreign key retargeted to another model is copied with the new reference; one to a renamed model follows it in place', async () => {
  const db = await connect('sqlite::memory:');
  try {
    const first = initial(
      createModel('prop.Writer', { name: f.char({ maxLength: 20 }) }),
      createModel('prop.Press', { name: f.char({ maxLength: 20 }) }),
      createModel('prop.Book', { by: f.foreignKey('prop.Writer', { onDelete: CASCADE }) }),
    );
    const second = next('0002_retarget', alterField('prop.Book', 'by', f.foreignKey('prop.Press', { onDelete: CASCADE })));
    const executor = new MigrationExecutor(db, new MigrationGraph([first, second]), ProjectState.empty());
    await executor.migrate([{ app: 'prop', name: '0001' }]);
    await sql`insert into prop_writer (id, name) values (1, 'w')`.execute(db.kysely);
    await sql`insert into prop_press (id, name) values (1, 'p')`.execute(db.kysely);
    await sql`insert into prop_book (by_id) values (1)`.execute(db.kysely);
    await executor.migrate();
    const references = async () => (await sql<{ table: string }>`pragma foreign_key_list(prop_book)`.execute(db.kysely)).rows.map((r) => r.table);
    assert.deepEqual(await references(), ['prop_press']);
    assert.deepEqual((await sql<{ by_id: number }>`select by_id from prop_book`.execute(db.kysely)).rows, [{ by_id: 1 }]);
    // The writer table can go, and books still take presses.
    await sql`drop table prop_writer`.execute(db.kysely);
    await sql`insert into prop_book (by_id) values (1)`.execute(db.kysely);
    await assert.rejects(sql`insert into prop_book (by_id) values (42)`.execute(db.kysely), /FOREIGN KEY/);
  } finally {
    await db.close();
  }
});

type Kind = 'char' | 'int';
interface Column { name: string; kind: Kind; nullable: boolean }
type Step =
  | { op: 'add'; kind: Kind; nullable: boolean; fill: string | number }
  | { op: 'remove'; pick: number }
  | { op: 'rename'; pick: number }
  | { op: 'require'; pick: number; fill: string | number }
  | { op: 'retype'; pick: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('add' as const), kind: fc.constantFrom<Kind>('char', 'int'), nullable: fc.boolean(), fill: fc.constant(0) }),
  fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('rename' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('require' as const), pick: fc.nat(), fill: fc.constant(0) }),
  fc.record({ op: fc.constant('retype' as const), pick: fc.nat() }),
);

const fieldOf = (column: Column) => column.kind === 'char' ? f.char({ maxLength: 30, ...(column.nullable ? { null: true } : {}) }) : f.integer(column.nullable ? { null: true } : {});

test('any sequence of field operations in one migration leaves the rows a reference computes', async () => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.record({ a: fc.option(fc.string({ maxLength: 8 })), b: fc.option(fc.integer({ min: -1000, max: 1000 })) }), { maxLength: 6 }),
    fc.array(stepArb, { minLength: 1, maxLength: 6 }),
    async (data, steps) => {
      const db = await connect('sqlite::memory:');
      try {
        let columns: Column[] = [{ name: 'a', kind: 'char', nullable: true }, { name: 'b', kind: 'int', nullable: true }];
        let rows: Array<Record<string, unknown>> = data.map((d, i) => ({ id: i + 1, a: d.a, b: d.b }));
        const operations: Operation[] = [];
        let counter = 0;
        for (const step of steps) {
          const picked = columns.length === 0 ? undefined : columns[('pick' in step ? step.pick : 0) % columns.length]!;
          if (step.op === 'add') {
            const column = { name: `c${++counter}`, kind: step.kind, nullable: step.nullable };
            const fill = column.kind === 'char' ? `v${counter}` : counter;
            operations.push(addField('prop.Item', column.name, fieldOf(column), column.nullable ? {} : { fill }));
            columns = [...columns, column];
            rows = rows.map((r) => ({ ...r, [column.name]: column.nullable ? null : fill }));
          } else if (picked === undefined) {
            continue;
          } else if (step.op === 'remove') {
            operations.push(removeField('prop.Item', picked.name));
            columns = columns.filter((c) => c !== picked);
            rows = rows.map(({ [picked.name]: _, ...rest }) => rest);
          } else if (step.op === 'rename') {
            const name = `r${++counter}`;
            operations.push(renameField('prop.Item', picked.name, name));
            columns = columns.map((c) => (c === picked ? { ...c, name } : c));
            rows = rows.map(({ [picked.name]: value, ...rest }) => ({ ...rest, [name]: value }));
          } else if (step.op === 'require') {
            const fill = picked.kind === 'char' ? `f${++counter}` : ++counter;
            const column = { ...picked, nullable: false };
            operations.push(alterField('prop.Item', picked.name, fieldOf(column), { fill }));
            columns = columns.map((c) => (c === picked ? column : c));
            rows = rows.map((r) => ({ ...r, [picked.name]: r[picked.name] ?? fill }));
          } else {
            // char(30) to text: the values stay as they are.
            if (picked.kind !== 'char') continue;
            operations.push(alterField('prop.Item', picked.name, f.text(picked.nullable ? { null: true } : {})));
          }
        }
        const graph = new MigrationGraph([
          initial(createModel('prop.Item', { a: f.char({ maxLength: 30, null: true }), b: f.integer({ null: true }) })),
          next('0002_steps', ...operations),
        ]);
        const executor = new MigrationExecutor(db, graph, ProjectState.empty());
        await executor.migrate([{ app: 'prop', name: '0001' }]);
        for (const row of data) await db.kysely.insertInto('prop_item').values(row).execute();
        await executor.migrate();
        const stored = (await sql<Record<string, unknown>>`select * from prop_item order by id`.execute(db.kysely)).rows;
        assert.deepEqual(stored, rows);
      } finally {
        await db.close();
      }
    },
  ), { numRuns: 150 });
});
