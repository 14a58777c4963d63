/** Operations on whole models: create, delete, rename, and the options that shape their tables. */
import { Field, type ModelConstraint } from '../../orm/index.ts';
import { MigrationError } from '../errors.ts';
import { fieldsSource, stringSource, valueSource, type Imports } from '../source.ts';
import { copyConstraint, describeField, type FieldState, type ModelState, type ModelStateOptions, type ProjectState } from '../state.ts';
import { call, modelName, snake } from './fields.ts';
import type { Operation } from './operation.ts';

/** `createModel('blog.Post', { title: f.char({ maxLength: 200 }) }, { softDelete: true })` */
export function createModel(label: string, fields: Record<string, Field | FieldState> | ReadonlyMap<string, FieldState>, options: ModelStateOptions = {}): Operation {
  const entries = fields instanceof Map ? [...fields] : Object.entries(fields);
  const state: ModelState = {
    label,
    fields: new Map(entries.map(([name, field]) => [name, field instanceof Field ? describeField(field, label) : field])),
    options: clean(options),
  };
  return {
    type: 'createModel',
    label,
    reversible: true,
    describe: () => `Create model ${label}`,
    fragment: () => modelName(label),
    apply(project) {
      if (project.has(label)) throw new MigrationError(`A model '${label}' already exists at this point of the migrations.`);
      return project.with(label, state);
    },
    hints: () => ({}),
    toSource(imports, indent) {
      const args = [stringSource(label), fieldsSource(state.fields, imports, indent)];
      if (Object.keys(state.options).length > 0) args.push(valueSource(state.options, imports));
      return call(imports, 'createModel', args);
    },
  };
}

/** `deleteModel('blog.Post')`: drops the table; undone, it comes back empty. */
export function deleteModel(label: string): Operation {
  return {
    type: 'deleteModel',
    label,
    reversible: true,
    describe: () => `Delete model ${label}`,
    fragment: () => `delete_${modelName(label)}`,
    apply(project) {
      project.model(label);
      for (const other of project.models.values()) {
        for (const [name, field] of other.fields) {
          if (other.label !== label && field.to === label) throw new MigrationError(`${other.label}.${name} still points at ${label}: remove or alter it before deleting the model.`);
        }
      }
      return project.with(label, undefined);
    },
    hints: () => ({}),
    toSource: (imports) => call(imports, 'deleteModel', [stringSource(label)]),
  };
}

/** `renameModel('blog.Article', 'blog.Post')`: the table (and the relations to it) follow, data kept. */
export function renameModel(from: string, to: string): Operation {
  if (from.split('.')[0] !== to.split('.')[0]) throw new MigrationError(`renameModel keeps a model in its app: '${from}' and '${to}' differ.`);
  return {
    type: 'renameModel',
    label: to,
    reversible: true,
    describe: () => `Rename model ${from} to ${to}`,
    fragment: () => `rename_${modelName(from)}_${modelName(to)}`,
    apply(project) {
      const model = project.model(from);
      if (project.has(to)) throw new MigrationError(`A model '${to}' already exists at this point of the migrations.`);
      let next = project.with(from, undefined).with(to, { ...model, label: to });
      for (const other of next.models.values()) {
        const pointing = [...other.fields].filter(([, f]) => f.to === from || f.options.through === from);
        if (pointing.length === 0) continue;
        const fields = new Map([...other.fields].map(([name, f]) => [name, retarget(f, from, to)]));
        next = next.with(other.label, { ...other, fields });
      }
      return next;
    },
    hints: (direction) => ({ renamedModels: [direction === 'forwards' ? [from, to] : [to, from]] }),
    toSource: (imports) => call(imports, 'renameModel', [stringSource(from), stringSource(to)]),
  };
}

function retarget(field: FieldState, from: string, to: string): FieldState {
  const options = field.options.through === from ? { ...field.options, through: to } : field.options;
  return { ...field, ...(field.to === from ? { to } : {}), options };
}

/** `alterSoftDelete('blog.Post', true)`: adds (or drops) the trash's columns; unique rules then hold among live rows. */
export function alterSoftDelete(label: string, enabled: boolean): Operation {
  const operation = optionOperation('alterSoftDelete', label, [enabled], `${enabled ? 'Turn on' : 'Turn off'} soft delete for ${label}`,
    `${modelName(label)}_${enabled ? 'soft_delete' : 'hard_delete'}`, (options) => ({ ...options, softDelete: enabled || undefined }));
  return {
    ...operation,
    // Turned off (or a turning on undone), the trash's columns go: rows in the trash would come
    // back to life, and which rows one delete took would be lost. They must be restored or purged first.
    async check({ models }, _state, direction) {
      if ((direction === 'forwards') === enabled) return;
      const trashed: number = await models.get(label).deletedObjects.count();
      if (trashed > 0) {
        throw new MigrationError(`${trashed} row${trashed === 1 ? ' is' : 's are'} of ${label} in the trash: turning soft delete off would bring ${trashed === 1 ? 'it' : 'them'} back. Restore or purge ${trashed === 1 ? 'it' : 'them'} first (trove trash ${label}, trove purge), then migrate again.`);
      }
    },
  };
}

/** `alterModelTable('blog.Post', 'posts')`: renames the table (undefined: back to `app_model`). */
export function alterModelTable(label: string, table: string | undefined): Operation {
  return optionOperation('alterModelTable', label, [table], `Rename table for ${label} to ${table ?? '(default)'}`,
    `alter_${modelName(label)}_table`, (options) => ({ ...options, table }));
}

/** `alterUniqueTogether('blog.Post', [['author', 'slug']])`: the sets of fields unique together. */
export function alterUniqueTogether(label: string, sets: string[][]): Operation {
  return optionOperation('alterUniqueTogether', label, [sets], `Alter unique together for ${label} (${sets.length} constraint${sets.length === 1 ? '' : 's'})`,
    `alter_${modelName(label)}_unique_together`, (options) => ({ ...options, uniqueTogether: sets.length > 0 ? sets : undefined }), (model) => {
      for (const name of sets.flat()) if (!model.fields.has(name)) throw new MigrationError(`${label} has no field '${name}' for uniqueTogether.`);
    });
}

export interface IndexOptions {
  /** PostgreSQL: build it without blocking writes (`create index concurrently`), outside the migration's transaction. */
  concurrently?: boolean;
}

/** `addIndex('blog.Post', ['status', 'createdAt'], { concurrently: true })` */
export function addIndex(label: string, fields: string[], options: IndexOptions = {}): Operation {
  return indexOperation('addIndex', label, fields, options, true);
}

/** `removeIndex('blog.Post', ['status', 'createdAt'])` */
export function removeIndex(label: string, fields: string[], options: IndexOptions = {}): Operation {
  return indexOperation('removeIndex', label, fields, options, false);
}

function indexOperation(type: string, label: string, fields: string[], options: IndexOptions, adding: boolean): Operation {
  const key = fields.join(',');
  const without = (sets: string[][] | undefined) => sets?.filter((set) => set.join(',') !== key);
  const base = optionOperation(type, label, [fields, ...(options.concurrently ? [options] : [])],
    `${adding ? 'Create' : 'Remove'} index on ${fields.join(', ')} of ${label}`,
    `${modelName(label)}_${fields.map(snake).join('_')}${adding ? '' : '_remove'}`,
    (opts) => {
      const rest = without(opts.indexes) ?? [];
      const indexes = adding ? [...rest, fields] : rest;
      return { ...opts, indexes: indexes.length > 0 ? indexes : undefined };
    },
    (model) => {
      for (const name of fields) if (!model.fields.has(name)) throw new MigrationError(`${label} has no field '${name}' to index.`);
      const exists = model.options.indexes?.some((set) => set.join(',') === key) ?? false;
      if (exists === adding) throw new MigrationError(`${label} ${adding ? 'already has' : 'has no'} an index on ${fields.join(', ')}.`);
    });
  return options.concurrently ? { ...base, concurrently: true } : base;
}

/** `addConstraint('blog.Review', { name: 'stars_range', check: 'stars between 1 and 5' })`, or `{ name, unique: [fields] }`. */
export function addConstraint(label: string, constraint: ModelConstraint): Operation {
  return optionOperation('addConstraint', label, [constraint], `Add constraint ${constraint.name} on ${label}`,
    `${modelName(label)}_${snake(constraint.name)}`,
    (options) => ({ ...options, constraints: [...(options.constraints ?? []), copyConstraint(constraint)] }),
    (model) => {
      if (model.options.constraints?.some((c) => c.name === constraint.name)) throw new MigrationError(`${label} already has a constraint named '${constraint.name}'.`);
      if ('unique' in constraint) for (const name of constraint.unique) if (!model.fields.has(name)) throw new MigrationError(`${label} has no field '${name}' for constraint ${constraint.name}.`);
    });
}

/** `removeConstraint('blog.Review', 'stars_range')` */
export function removeConstraint(label: string, name: string): Operation {
  return optionOperation('removeConstraint', label, [name], `Remove constraint ${name} from ${label}`, `remove_${modelName(label)}_${snake(name)}`,
    (options) => {
      const constraints = options.constraints?.filter((c) => c.name !== name);
      return { ...options, constraints: constraints?.length ? constraints : undefined };
    },
    (model) => {
      if (!model.options.constraints?.some((c) => c.name === name)) throw new MigrationError(`${label} has no constraint named '${name}'.`);
    });
}

function optionOperation(
  type: string,
  label: string,
  args: unknown[],
  description: string,
  fragment: string,
  change: (options: ModelStateOptions) => ModelStateOptions,
  check?: (model: ModelState) => void,
): Operation {
  return {
    type,
    label,
    reversible: true,
    describe: () => description,
    fragment: () => fragment,
    apply(project: ProjectState) {
      const model = project.model(label);
      check?.(model);
      return project.with(label, { ...model, options: clean(change(model.options)) });
    },
    hints: () => ({}),
    toSource: (imports: Imports) => call(imports, type, [stringSource(label), ...args.map((a) => valueSource(a, imports))]),
  };
}

function clean(options: ModelStateOptions): ModelStateOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined && v !== false)) as ModelStateOptions;
}

