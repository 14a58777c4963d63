/** Operations on one field of a model: add, remove, alter, rename. */
import { Field } from '../../orm/index.ts';
import { MigrationError } from '../errors.ts';
import { fieldSource, stringSource, valueSource, type Imports } from '../source.ts';
import { describeField, type FieldState, type ModelState } from '../state.ts';
import type { Direction, Operation, SchemaHints } from './operation.ts';

export interface FillOption {
  /** What rows that exist get, when the field is NOT NULL and has no value for them. */
  fill?: unknown;
}

/** `addField('blog.Post', 'summary', f.text({ default: '' }), { fill: '' })` */
export function addField(label: string, name: string, field: Field | FieldState, options: FillOption = {}): Operation {
  const state = asState(field, label);
  return {
    type: 'addField',
    label,
    reversible: true,
    describe: () => `Add field ${name} to ${label}`,
    fragment: () => `${modelName(label)}_${snake(name)}`,
    apply(project) {
      const model = project.model(label);
      if (model.fields.has(name)) throw new MigrationError(`${label} already has a field '${name}'.`);
      return project.with(label, { ...model, fields: new Map([...model.fields, [name, state]]) });
    },
    hints(direction) {
      if (direction === 'forwards') return options.fill === undefined ? {} : { fills: [[label, name, options.fill]] };
      return {};
    },
    toSource: (imports) => call(imports, 'addField', [stringSource(label), stringSource(name), fieldSource(state, imports), ...fillArgument(options, imports)]),
  };
}

/** `removeField('blog.Post', 'summary')`: the column and its data go. */
export function removeField(label: string, name: string): Operation {
  return {
    type: 'removeField',
    label,
    reversible: true,
    describe: () => `Remove field ${name} from ${label}`,
    fragment: () => `remove_${modelName(label)}_${snake(name)}`,
    apply(project) {
      const model = project.model(label);
      fieldOf(model, name);
      const fields = new Map(model.fields);
      fields.delete(name);
      const keep = (sets?: string[][]) => sets?.filter((set) => !set.includes(name));
      const constraints = model.options.constraints?.filter((c) => !('unique' in c && c.unique.includes(name)));
      return project.with(label, { ...model, fields, options: { ...model.options, uniqueTogether: keep(model.options.uniqueTogether), indexes: keep(model.options.indexes), constraints } });
    },
    hints(direction, before) {
      // Undone, the column comes back empty: its old values are gone with the forward step.
      if (direction === 'backwards') return emptyFill(label, name, fieldOf(before.model(label), name));
      return {};
    },
    toSource: (imports) => call(imports, 'removeField', [stringSource(label), stringSource(name)]),
  };
}

/** `alterField('blog.Post', 'title', f.char({ maxLength: 300 }))`: a new type, length, nullability or index. */
export function alterField(label: string, name: string, field: Field | FieldState, options: FillOption = {}): Operation {
  const state = asState(field, label);
  return {
    type: 'alterField',
    label,
    reversible: true,
    describe: () => `Alter field ${name} on ${label}`,
    fragment: () => `alter_${modelName(label)}_${snake(name)}`,
    apply(project) {
      const model = project.model(label);
      // The implicit `id` (kept out of the state) is a field that can be altered: declared with
      // another type, or given back to the model as the implicit one.
      if (isImplicitId(model, name)) return project.with(label, { ...model, fields: new Map([[name, state], ...model.fields]) });
      fieldOf(model, name);
      if (name === 'id' && state.kind === 'auto') return project.with(label, { ...model, fields: new Map([...model.fields].filter(([n]) => n !== name)) });
      return project.with(label, { ...model, fields: new Map([...model.fields].map(([n, f]) => [n, n === name ? state : f])) });
    },
    hints(direction, before) {
      if (direction === 'forwards') return options.fill === undefined ? {} : { fills: [[label, name, options.fill]] };
      if (isImplicitId(before.model(label), name)) return {};
      return emptyFill(label, name, fieldOf(before.model(label), name));
    },
    toSource: (imports) => call(imports, 'alterField', [stringSource(label), stringSource(name), fieldSource(state, imports), ...fillArgument(options, imports)]),
  };
}

/** `id` on a model that declares no primary key: the auto-increment key every such model gets. */
export function isImplicitId(model: ModelState, name: string): boolean {
  return name === 'id' && !model.fields.has('id') && ![...model.fields.values()].some((f) => f.options.primaryKey === true);
}

/** `renameField('blog.Post', 'body', 'content')`: the column is renamed, its data kept. */
export function renameField(label: string, from: string, to: string): Operation {
  return {
    type: 'renameField',
    label,
    reversible: true,
    describe: () => `Rename field ${from} on ${label} to ${to}`,
    fragment: () => `rename_${snake(from)}_${modelName(label)}_${snake(to)}`,
    apply(project) {
      const model = project.model(label);
      fieldOf(model, from);
      if (model.fields.has(to)) throw new MigrationError(`${label} already has a field '${to}'.`);
      const fields = new Map([...model.fields].map(([n, f]) => [n === from ? to : n, f]));
      const rename = (sets?: string[][]) => sets?.map((set) => set.map((n) => (n === from ? to : n)));
      const constraints = model.options.constraints?.map((c) => ('unique' in c ? { name: c.name, unique: c.unique.map((n) => (n === from ? to : n)) } : c));
      return project.with(label, { ...model, fields, options: { ...model.options, uniqueTogether: rename(model.options.uniqueTogether), indexes: rename(model.options.indexes), constraints } });
    },
    hints: (direction: Direction): SchemaHints => ({ renamedFields: [direction === 'forwards' ? [label, from, to] : [label, to, from]] }),
    toSource: (imports) => call(imports, 'renameField', [stringSource(label), stringSource(from), stringSource(to)]),
  };
}

function asState(field: Field | FieldState, label: string): FieldState {
  return field instanceof Field ? describeField(field, label) : field;
}

export function fieldOf(model: ModelState, name: string): FieldState {
  const field = model.fields.get(name);
  if (field === undefined) throw new MigrationError(`${model.label} has no field '${name}' at this point of the migrations.`);
  return field;
}

/** The value a NOT NULL column gets when an undo brings it back without its data. */
function emptyFill(label: string, name: string, field: FieldState): SchemaHints {
  if (field.options.null === true) return {};
  const empty = emptyValue(field.kind);
  return empty === undefined ? {} : { fills: [[label, name, empty]] };
}

export function emptyValue(kind: string): unknown {
  switch (kind) {
    case 'char': case 'text': case 'email': case 'slug': case 'url': return '';
    case 'integer': case 'bigInteger': case 'float': case 'decimal': return 0;
    case 'boolean': return false;
    case 'date': return '1970-01-01';
    case 'dateTime': return new Date(0);
    case 'json': return {};
    case 'uuid': return '00000000-0000-0000-0000-000000000000';
    default: return undefined;
  }
}

function fillArgument(options: FillOption, imports: Imports): string[] {
  return options.fill === undefined ? [] : [`{ fill: ${valueSource(options.fill, imports)} }`];
}

export function call(imports: Imports, name: string, args: string[]): string {
  imports.fromMigrations.add(name);
  return `${name}(${args.join(', ')})`;
}

export function modelName(label: string): string {
  return label.slice(label.indexOf('.') + 1).toLowerCase();
}

export function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
