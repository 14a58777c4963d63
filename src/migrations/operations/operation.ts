/** What every migration operation is: a change to the state, its tables, and its source. */
import type { Database, DialectName } from '../../db/index.ts';
import type { ModelRegistry } from '../../orm/index.ts';
import type { Imports } from '../source.ts';
import type { ProjectState } from '../state.ts';

/** What names alone cannot tell the schema editor: renames, and values for rows that exist. */
export interface SchemaHints {
  readonly renamedModels?: ReadonlyArray<readonly [from: string, to: string]>;
  /** Renamed fields of a model (named by its label after the operation). */
  readonly renamedFields?: ReadonlyArray<readonly [label: string, from: string, to: string]>;
  /** Values for existing rows of a field that becomes NOT NULL (added, or altered from null). */
  readonly fills?: ReadonlyArray<readonly [label: string, field: string, value: unknown]>;
}

export type Direction = 'forwards' | 'backwards';

/** What `runCode` gets: the models as this point of the migrations knows them, and the database. */
export interface RunContext {
  readonly db: Database;
  readonly dialect: DialectName;
  /** `models.get('blog.Post')`: a historical model class (Django's `apps.get_model`). */
  readonly models: HistoricalModels;
}

export interface HistoricalModels {
  get(label: string): any;
}

export interface Operation {
  /** The builder's name, as a migration file calls it. */
  readonly type: string;
  /** The model it changes, when it changes one. */
  readonly label?: string;
  /** One line for `makemigrations` and `migrate`: "Add field summary to blog.Post". */
  describe(): string;
  /** A few words for the file name: `post_summary`. */
  fragment(): string;
  apply(state: ProjectState): ProjectState;
  hints(direction: Direction, before: ProjectState, after: ProjectState): SchemaHints;
  /** False when it cannot be undone (runSql or runCode without a backward part). */
  readonly reversible: boolean;
  /** PostgreSQL: run outside the migration's transaction (a concurrent index). */
  readonly concurrently?: boolean;
  /** Work other than table changes, done in place of (or after) them. */
  run?(context: RunContext, direction: Direction): Promise<void>;
  /**
   * Refuses, before any of its changes, what the rows make unsafe (soft delete turned off while
   * rows are in the trash). Run by migrate on the tables as `state` has them; sqlmigrate skips it.
   */
  check?(context: RunContext, state: ProjectState, direction: Direction): Promise<void>;
  /** SQL of its own (runSql), shown by sqlmigrate. */
  ownSql?(dialect: DialectName, direction: Direction): string[] | undefined;
  toSource(imports: Imports, indent: string): string;
}

export function renderedModels(registry: ModelRegistry): HistoricalModels {
  return { get: (label: string) => registry.get(label).modelClass };
}
