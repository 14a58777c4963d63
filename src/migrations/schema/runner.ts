/**
 * Runs a migration's operations through the schema editor, sending the statements to a sink: the
 * database for `migrate`, a list for `sqlmigrate`. Where tables are rebuilt to alter them
 * (SQLite), the table changes of consecutive operations are gathered and each table altered
 * once; SQL and code of the user's end a gathering, as they must see the tables their operation
 * follows.
 */
import type { Direction, Operation } from '../operations/operation.ts';
import type { ProjectState } from '../state.ts';
import { diffTables } from './diff.ts';
import type { SchemaEditor } from './editor.ts';
import { TableLineage } from './lineage.ts';

/** One operation to run: the states it goes between, in the order it runs. */
export interface OperationStep {
  readonly index: number;
  readonly operation: Operation;
  readonly direction: Direction;
  readonly from: ProjectState;
  readonly to: ProjectState;
}

export interface StatementSink {
  execute(statements: readonly string[]): Promise<void>;
  /** A `runCode` operation, given the state it runs in. */
  run(operation: Operation, state: ProjectState, direction: Direction): Promise<void>;
  /** An operation's check of the rows (see Operation.check); absent where nothing is connected. */
  check?(operation: Operation, state: ProjectState, direction: Direction): Promise<void>;
}

export class OperationRunner {
  private batchStart: ProjectState | undefined;
  private lineage: TableLineage | undefined;

  constructor(private readonly editor: SchemaEditor, private readonly sink: StatementSink) {}

  async run(steps: readonly OperationStep[]): Promise<void> {
    for (const { operation, from, to, direction } of steps) {
      const own = operation.ownSql?.(this.editor.dialect, direction);
      if (own !== undefined || operation.run !== undefined) {
        await this.flush(from);
        if (own !== undefined) await this.sink.execute(own);
        if (operation.run !== undefined) await this.sink.run(operation, from, direction);
        continue;
      }
      if (operation.check !== undefined && this.sink.check !== undefined) {
        // The check reads the tables as `from` has them: what is gathered so far goes in first.
        await this.flush(from);
        await this.sink.check(operation, from, direction);
      }
      const changes = this.editor.changes(operation, from, to, direction);
      if (!this.editor.sqlDialect.rebuildsTableToAlter) {
        await this.sink.execute(this.editor.statements(changes, { concurrently: operation.concurrently === true }));
        continue;
      }
      if (this.lineage === undefined) {
        this.batchStart = from;
        this.lineage = new TableLineage(this.editor.render(from).tables);
      }
      this.lineage.advance(changes);
    }
    const last = steps.at(-1);
    if (last !== undefined) await this.flush(last.to);
  }

  private async flush(now: ProjectState): Promise<void> {
    const { lineage, batchStart } = this;
    this.lineage = undefined;
    this.batchStart = undefined;
    if (lineage === undefined || batchStart === undefined || lineage.isEmpty) return;
    const changes = diffTables(this.editor.render(batchStart).tables, this.editor.render(now).tables, lineage.hints());
    await this.sink.execute(this.editor.statements(changes));
  }
}
