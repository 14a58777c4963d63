/** Operations that run what the user wrote: SQL, or TypeScript over historical models. */
import type { DialectName } from '../../db/index.ts';
import { MigrationError } from '../errors.ts';
import { valueSource } from '../source.ts';
import { call } from './fields.ts';
import type { Direction, Operation, RunContext } from './operation.ts';

/** SQL for every database, or per database: `{ postgres: '…', sqlite: '…' }`. */
export type SqlForDatabases = string | readonly string[] | Partial<Record<DialectName, string | readonly string[]>>;

/**
 * `runSql(forward, backward?)`: statements run as they are. Without `backward` the migration
 * cannot be undone; pass `runSql.noop` when undoing needs nothing.
 */
export function runSql(forward: SqlForDatabases, backward?: SqlForDatabases): Operation {
  const pick = (sql: SqlForDatabases, dialect: DialectName): string[] => {
    if (typeof sql === 'string') return [sql];
    if (Array.isArray(sql)) return [...sql];
    const mine = (sql as Partial<Record<DialectName, string | readonly string[]>>)[dialect];
    if (mine === undefined) throw new MigrationError(`runSql has no SQL for ${dialect} (it has ${Object.keys(sql).join(', ')}).`);
    return typeof mine === 'string' ? [mine] : [...mine];
  };
  return {
    type: 'runSql',
    reversible: backward !== undefined,
    describe: () => 'Raw SQL operation',
    fragment: () => 'run_sql',
    apply: (state) => state,
    hints: () => ({}),
    ownSql(dialect: DialectName, direction: Direction) {
      if (direction === 'forwards') return pick(forward, dialect);
      if (backward === undefined) throw new MigrationError('This runSql has no backward SQL: the migration cannot be undone.');
      return pick(backward, dialect);
    },
    toSource: (imports) => call(imports, 'runSql', [valueSource(forward), ...(backward === undefined ? [] : [valueSource(backward)])]),
  };
}
runSql.noop = [] as readonly string[];

export type CodeStep = (context: RunContext) => Promise<void> | void;

/**
 * `runCode(forward, backward?)`: a data migration. `context.models.get('blog.Post')` is the model
 * as the migrations know it at this point (not the class in your code, which may have moved on).
 */
export function runCode(forward: CodeStep, backward?: CodeStep): Operation {
  return {
    type: 'runCode',
    reversible: backward !== undefined,
    describe: () => `Run code${forward.name ? ` ${forward.name}` : ''}`,
    fragment: () => forward.name ? forward.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase() : 'run_code',
    apply: (state) => state,
    hints: () => ({}),
    async run(context, direction) {
      if (direction === 'forwards') return forward(context);
      if (backward === undefined) throw new MigrationError('This runCode has no backward step: the migration cannot be undone.');
      return backward(context);
    },
    toSource: (imports) => call(imports, 'runCode', [forward.toString(), ...(backward === undefined ? [] : [backward.toString()])]),
  };
}
runCode.noop = (async () => {}) as CodeStep;
