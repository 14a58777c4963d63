/**
 * `modelForm(Book, { fields: ['title', 'author'] })`: Django's ModelForm. The class it returns
 * makes forms bound to posted data (or not), for a new object or an `instance` to edit;
 * `isValid()` checks the fields, the form's own `clean()`, then the model's `fullClean()`;
 * `save()` writes the object and then its many-to-many links.
 */
import { atomic } from '../../db/index.ts';
import {
  FieldError, ForeignKeyField, ManyToManyField, NON_FIELD_ERRORS, capitalise, stateOf,
  type Field, type FieldsOf, type InstanceOfClass, type InstanceData, type ManyRelatedManager, type ManyToManyKeys, type ModelMeta,
} from '../../orm/index.ts';
import type { ViewRequest } from '../request.ts';
import { initialValues, postedData, postedValues, type FormInput, type PostedData } from './binding.ts';
import { BoundField } from './bound-field.tsx';
import { addError, cleanOnto, type FormErrors } from './validation.ts';
import { formFieldFor, isEditable, isRequired, relatedLabels, type FormField } from './widgets.ts';

/** A model class as forms need it. */
export type FormModel = (abstract new (...args: any) => any) & { readonly meta: ModelMeta; readonly __fields?: unknown };

type SoftDeleteNames = 'deletedAt' | 'deletionId';
/** The names of a model's fields a form may show (typed from the model: a misspelt name does not compile). */
export type FormFieldName<C> = Exclude<keyof FieldsOf<C> & string, SoftDeleteNames>;

/**
 * A field's value once cleaned, as Django's `cleaned_data` holds it: a foreign key's object, a
 * many-to-many's objects, a scalar's value.
 */
export type CleanedValue<C, N extends string> = N extends keyof InstanceData<FieldsOf<C>>
  ? N extends ManyToManyKeys<FieldsOf<C>>
    ? InstanceData<FieldsOf<C>>[N] extends ManyRelatedManager<infer T, any> ? T[] : never
    : InstanceData<FieldsOf<C>>[N]
  : unknown;

export type CleanedData<C, N extends string> = { [K in N]: CleanedValue<C, K> };

export type ModelFormOptions<N extends string> = (
  | { /** The fields, in order (Django's `fields`). */ fields: readonly N[]; exclude?: never }
  | { /** Every editable field but these (Django's `exclude`). */ exclude: readonly N[]; fields?: never }
) & {
  /** Labels instead of the fields' verbose names. */
  labels?: Partial<Record<N, string>>;
  /** Help texts instead of the fields' own. */
  helpTexts?: Partial<Record<N, string>>;
};

export interface ModelFormInit<I> {
  /** What was posted; without it the form is unbound (shown, never valid). */
  data?: FormInput | null;
  /** The object to edit; without it, a new one (saved by `save()`). */
  instance?: I;
  /** Values an unbound form shows instead of the object's (or the defaults): by field name. */
  initial?: Record<string, unknown>;
}

/** What a form's page shows: its fields (relations' choices loaded), each input's text, the text of keys. */
export interface FormState {
  fields: FormField[];
  values: Record<string, string | string[]>;
  labels: Record<string, Record<string, string>>;
}

interface FormConfig {
  model: FormModel;
  names: readonly string[];
  labels: Record<string, string>;
  helpTexts: Record<string, string>;
}

/** The fields a form shows: `fields` in their order, or every editable one but `exclude`. */
function chooseFields(meta: ModelMeta, options: { fields?: readonly string[]; exclude?: readonly string[] }): string[] {
  const all = [...meta.concreteFields, ...meta.manyToManyFields];
  if (options.fields === undefined && options.exclude === undefined) throw new FieldError(`modelForm(${meta.objectName}): give fields or exclude, as Django requires.`);
  for (const name of [...(options.fields ?? []), ...(options.exclude ?? [])]) {
    if (!all.some((f) => f.name === name)) throw new FieldError(`modelForm(${meta.objectName}): ${meta.label} has no field '${name}'.`);
  }
  // Django's rule: an automatic key, a trash stamp or an autoNow date is never a form's to set.
  for (const name of options.fields ?? []) {
    if (!isEditable(meta, all.find((f) => f.name === name)!)) throw new FieldError(`'${name}' cannot be specified for ${meta.objectName} model form as it is a non-editable field.`);
  }
  if (options.fields !== undefined) return [...options.fields];
  return all.filter((f) => isEditable(meta, f) && !options.exclude!.includes(f.name)).map((f) => f.name);
}

/** A form for one model's object; made by `modelForm()`, which gives it its model and fields. */
export class ModelForm<I = any, D = Record<string, unknown>, N extends string = string> {
  /** Set by modelForm() on the class it returns. */
  declare static readonly config: FormConfig;

  readonly instance: I;
  readonly data: PostedData | undefined;
  readonly initial: Record<string, unknown>;
  /** Messages by field name, `__all__` for the form as a whole; filled by `isValid()`. */
  errors: FormErrors = {};
  /** The values that passed, by field name; complete once `isValid()` is true. */
  cleanedData = {} as D;
  #validated: Promise<boolean> | undefined;
  #links = new Map<string, unknown[]>();
  #state: Promise<FormState> | undefined;

  constructor(init: ModelFormInit<I> = {}) {
    const { model } = this.config;
    if (init.instance !== undefined && !(init.instance instanceof model)) throw new FieldError(`${this.constructor.name}: the instance is not a ${model.meta.objectName}.`);
    this.instance = init.instance ?? (new (model as unknown as new (data: object) => I)({}));
    this.data = init.data === undefined || init.data === null ? undefined : postedData(init.data);
    this.initial = init.initial ?? {};
  }

  /** The form for a request: bound to what it posted on a POST, unbound otherwise (Django's `Form(request.POST or None)`). */
  static async fromRequest<T>(this: new (init?: ModelFormInit<any>) => T, request: ViewRequest<any>, init: ModelFormInit<any> = {}): Promise<T> {
    return new this({ ...init, data: request.method === 'POST' ? await request.form() : init.data ?? null });
  }

  /** The names of the form's fields, in order. */
  static get fieldNames(): readonly string[] {
    return this.config.names;
  }

  get config(): FormConfig {
    return (this.constructor as typeof ModelForm).config;
  }

  get meta(): ModelMeta {
    return this.config.model.meta;
  }

  get fieldNames(): readonly N[] {
    return this.config.names as readonly N[];
  }

  /** True when the form has data to validate. */
  get isBound(): boolean {
    return this.data !== undefined;
  }

  /** True when the instance is not saved yet: the form creates rather than edits. */
  get adding(): boolean {
    return stateOf(this.instance as object).adding;
  }

  /** Errors of no one field (a unique rule over several fields, the model's `clean()`). */
  get nonFieldErrors(): string[] {
    return this.errors[NON_FIELD_ERRORS] ?? [];
  }

  /** A field's label: the form's `labels`, else the field's verbose name. */
  labelOf(name: N): string {
    return this.config.labels[name] ?? capitalise(this.modelField(name).verboseName);
  }

  isRequired(name: N): boolean {
    return isRequired(this.modelField(name));
  }

  modelField(name: string): Field {
    const field = this.meta.field(name);
    if (field === undefined || !this.config.names.includes(name)) throw new FieldError(`${this.constructor.name} has no field '${name}'.`);
    return field;
  }

  /** One field, for a page laid out by hand: `<title.Label />`, `<title.Widget />`, `<title.Errors />`. */
  field<K extends N>(name: K): BoundField<K> {
    return new BoundField<K>(this as unknown as ModelForm<any, any, K>, name);
  }

  /** Adds an error to a field (null: to the form as a whole), as Django's `add_error`; call it from `clean()`. */
  addError(name: N | null, message: string): void {
    addError(this.errors, name, message);
  }

  /**
   * The form's own check, run after each field's and before the model's `fullClean()`: read
   * `cleanedData` (or `instance`), call `addError()` or throw a ValidationError to refuse.
   */
  clean(): void | Promise<void> {}

  /** Validates once: every field, then `clean()`, then the model's `fullClean()` (unique rules included). */
  isValid(): Promise<boolean> {
    return (this.#validated ??= this.#validate());
  }

  async #validate(): Promise<boolean> {
    if (this.data === undefined) return false;
    const fields = this.config.names.map((name) => this.modelField(name));
    const onForm = new Set(this.config.names);
    const notOnForm = [...this.meta.concreteFields, ...this.meta.manyToManyFields].filter((f) => !onForm.has(f.name)).map((f) => f.name);
    const target = this.instance as Record<string, any>;
    const result = await cleanOnto(target, fields, this.data, {
      exclude: notOnForm,
      clean: async (errors, values) => {
        this.errors = errors;
        this.cleanedData = Object.fromEntries([...values].filter(([name]) => errors[name] === undefined)) as D;
        await this.clean();
      },
    });
    // A model's clean() may name a field the form does not show: the message is the form's then.
    const errors: FormErrors = {};
    for (const [key, messages] of Object.entries(result.errors)) {
      const own = key === NON_FIELD_ERRORS || onForm.has(key);
      for (const m of messages) addError(errors, own ? key : NON_FIELD_ERRORS, own ? m : `${capitalise(this.meta.field(key)?.verboseName ?? key)}: ${m}`);
    }
    this.errors = errors;
    if (Object.keys(errors).length > 0) {
      result.revert();
      this.cleanedData = Object.fromEntries([...result.values].filter(([name]) => errors[name] === undefined)) as D;
      return false;
    }
    this.#links = result.links;
    this.cleanedData = (await this.#relatedObjects(fields, result.values)) as D;
    return true;
  }

  /** cleanedData as Django has it: a foreign key's object (kept on the instance too), a many-to-many's objects. */
  async #relatedObjects(fields: Field[], values: Map<string, unknown>): Promise<Record<string, unknown>> {
    const cleaned: Record<string, unknown> = {};
    const target = this.instance as Record<string, any>;
    for (const field of fields) {
      const value = values.get(field.name);
      if (field instanceof ForeignKeyField && value !== null && value !== undefined) {
        target[field.name] = cleaned[field.name] = await field.target.modelClass.objects.get({ pk: value });
      } else if (field instanceof ManyToManyField) {
        const keys = value as unknown[];
        cleaned[field.name] = keys.length === 0 ? [] : await field.target.modelClass.objects.filter({ pk__in: keys }).orderBy(field.target.pk.name);
      } else cleaned[field.name] = value;
    }
    return cleaned;
  }

  /**
   * Validates first when `isValid()` was not called (as Django's `save()` does through `errors`),
   * then saves the object and its many-to-many links, in one transaction. With `commit: false`
   * nothing is written: change the instance, save it, then call `saveM2m()` (Django's `save_m2m`).
   */
  async save(options: { commit?: boolean } = {}): Promise<I> {
    // An unbound form has no data: Django would save the instance as it stands, unchecked.
    if (!this.isBound) throw new FieldError(`The ${this.meta.objectName} could not be ${this.adding ? 'created' : 'changed'} because the form has no data: bind it to what was posted (data or fromRequest()).`);
    // As Django's save() reads `errors`, which validates a form not validated yet.
    if (!(await this.isValid())) {
      throw new FieldError(`The ${this.meta.objectName} could not be ${this.adding ? 'created' : 'changed'} because the data didn't validate.`);
    }
    if (options.commit === false) return this.instance;
    await atomic(async () => {
      await (this.instance as { save(): Promise<unknown> }).save();
      await this.saveM2m();
    });
    return this.instance;
  }

  /** Sets the many-to-many links the form posted; the instance must be saved. */
  async saveM2m(): Promise<void> {
    for (const [name, keys] of this.#links) await (this.instance as Record<string, any>)[name].set(keys);
  }

  /**
   * What the page shows, loaded once: the fields with their relations' choices, and each input's
   * text (what was posted when bound, else `initial`, the object's values or the defaults).
   */
  state(): Promise<FormState> {
    return (this.#state ??= (async () => {
      const fields: FormField[] = [];
      for (const name of this.config.names) {
        const field = this.modelField(name);
        const overrides = { ...(this.config.labels[name] !== undefined && { label: this.config.labels[name] }), ...(this.config.helpTexts[name] !== undefined && { helpText: this.config.helpTexts[name] }) };
        // A form lists the fields it was given: each is editable, as in Django.
        fields.push({ ...(await formFieldFor(this.meta, field, overrides)), readonly: false });
      }
      const values = this.data !== undefined ? postedValues(fields, this.data) : await initialValues(fields, this.adding ? undefined : (this.instance as Record<string, any>), this.initial);
      return { fields, values, labels: await relatedLabels(fields, values) };
    })());
  }
}

/** The class modelForm() returns: `new BookForm({ data, instance, initial })` or `await BookForm.fromRequest(request)`. */
export interface ModelFormClass<I, D, N extends string> {
  new (init?: ModelFormInit<I>): ModelForm<I, D, N>;
  readonly config: FormConfig;
  readonly fieldNames: readonly N[];
  fromRequest<T>(this: new (init?: ModelFormInit<I>) => T, request: ViewRequest<any>, init?: ModelFormInit<I>): Promise<T>;
}

/** `Fields` when `fields` is given, else every field name but `exclude`. */
type Chosen<C, O> = O extends { fields: readonly (infer K extends string)[] } ? K : O extends { exclude: readonly (infer K extends string)[] } ? Exclude<FormFieldName<C>, K> : never;

/** Django's `modelform_factory`: a form class for `model` with the given fields. */
export function modelForm<C extends FormModel, const O extends ModelFormOptions<FormFieldName<C>>>(model: C, options: O): ModelFormClass<InstanceOfClass<C>, CleanedData<C, Chosen<C, O>>, Chosen<C, O>> {
  const config: FormConfig = { model, names: chooseFields(model.meta, options), labels: { ...options.labels } as Record<string, string>, helpTexts: { ...options.helpTexts } as Record<string, string> };
  const Form = { [`${model.meta.objectName}Form`]: class extends ModelForm {} }[`${model.meta.objectName}Form`]!;
  Object.defineProperty(Form, 'config', { value: config });
  return Form as never;
}
