/**
 * `CreateView.for(Book, { fields: ['title', 'author'] })` and `UpdateView.for(Book, { ... })`:
 * Django's generic editing views, beside DeleteView. GET shows the form; POST validates it
 * (the model's fullClean() included), and when it passes saves the object with its
 * many-to-many links and redirects; when it does not, the page comes back (200) with the
 * errors and what was typed. Anything else is a 405.
 *
 * The model's `add` (CreateView) or `change` (UpdateView) permission is required unless
 * `permission: null`, as DeleteView requires `delete`.
 */
import type { FC } from 'hono/jsx';
import type { InstanceOfClass, Manager, ModelMeta, QuerySet } from '../orm/index.ts';
import { permissionRequired } from './auth.ts';
import { Form, modelForm, type FormFieldName, type FormModel, type ModelForm, type ModelFormClass } from './forms/index.ts';
import { messages } from './messages.ts';
import { page } from './pages.ts';
import { Layout, render } from './render.tsx';
import type { ViewRequest } from './request.ts';
import { getObjectOr404, redirect } from './shortcuts.ts';
import { reverse, type View } from './urls.ts';

type EditModel<T> = FormModel & { objects: Manager<T, any> };

/** What the page of a CreateView or UpdateView is given. */
export interface EditFormProps<T = object> {
  form: ModelForm<T, any, any>;
  /** The object being changed; undefined when adding. */
  object: T | undefined;
  meta: ModelMeta;
  /** "Add book" or "Change book". */
  title: string;
}

export interface EditViewOptions<T, N extends string = string> {
  /** The fields of the form (Django's `fields`); or give `formClass`. */
  fields?: readonly N[];
  /** A form class of your own, from `modelForm()` (with a `clean()`, labels...). */
  formClass?: ModelFormClass<T, any, any>;
  /**
   * Where to go once saved: a URL, a pattern name, or a function of the object; by default the
   * object's own URL, from its `getAbsoluteUrl()` (Django's `get_absolute_url`).
   */
  successUrl?: string | ((object: T) => string);
  /** A message once saved (with the messages middleware). */
  successMessage?: string | ((object: T) => string);
  /** The page, a component given EditFormProps (default: ModelFormPage). */
  template?: FC<EditFormProps<T>>;
  /** Values the empty form shows, from the request (`?author=3`, say). */
  initial?: (request: ViewRequest<any>) => Record<string, unknown>;
  /** The permission required (default `<app>.add_<model>` or `<app>.change_<model>`); null lets anyone in. */
  permission?: string | null;
  /** Where anonymous visitors are sent to log in (default '/login/'). */
  loginUrl?: string;
}

export interface UpdateViewOptions<T, N extends string = string> extends EditViewOptions<T, N> {
  /** The objects the URL may name (default: the model's `objects`, so the trash is a 404). */
  queryset?: () => QuerySet<T, any>;
  /** The lookup from the URL's values (default: the values themselves, e.g. `{ id }`). */
  lookup?: (params: Record<string, unknown>) => Record<string, unknown>;
}

/** The default page: a heading and the whole form. */
export function ModelFormPage({ form, title }: EditFormProps) {
  return (
    <Layout title={title}>
      <h1>{title}</h1>
      <Form form={form} />
    </Layout>
  );
}

/** What CreateView and UpdateView share: the form, its page, what a valid or invalid POST does. */
export abstract class ModelFormView<T> {
  readonly formClass: ModelFormClass<T, any, any>;

  constructor(
    readonly model: EditModel<T>,
    readonly options: EditViewOptions<T>,
  ) {
    if (options.formClass === undefined && options.fields === undefined) throw new Error(`${this.constructor.name} for ${model.meta.objectName}: give fields or formClass.`);
    this.formClass = options.formClass ?? (modelForm(model, { fields: options.fields as readonly never[] }) as unknown as ModelFormClass<T, any, any>);
  }

  /** The object the form edits; undefined when it adds one. */
  abstract getObject(request: ViewRequest<any>): Promise<T | undefined>;

  async dispatch(request: ViewRequest<any>): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'POST') {
      return page(405, 'Method not allowed', '<p>Use GET to see the form, POST to send it.</p>');
    }
    const object = await this.getObject(request);
    const form = await this.getForm(request, object);
    if (request.method !== 'POST') return this.renderForm(request, form, object, 200);
    return (await form.isValid()) ? this.formValid(request, form) : this.formInvalid(request, form, object);
  }

  /** The form: bound to the POST, or showing the object (or `initial`). */
  getForm(request: ViewRequest<any>, object: T | undefined): Promise<ModelForm<T, any, any>> {
    return this.formClass.fromRequest(request, { ...(object !== undefined && { instance: object }), initial: this.options.initial?.(request) ?? {} });
  }

  /** Saves, says so, redirects. */
  async formValid(request: ViewRequest<any>, form: ModelForm<T, any, any>): Promise<Response> {
    const object = await form.save();
    const message = this.options.successMessage;
    if (message !== undefined) messages.success(request, typeof message === 'function' ? message(object) : message);
    return redirect(this.successUrl(object));
  }

  /** The page again, with the errors and what was posted; 200 as in Django. */
  formInvalid(request: ViewRequest<any>, form: ModelForm<T, any, any>, object: T | undefined): Promise<Response> {
    return this.renderForm(request, form, object, 200);
  }

  renderForm(request: ViewRequest<any>, form: ModelForm<T, any, any>, object: T | undefined, status: number): Promise<Response> {
    const meta = this.model.meta;
    const props: EditFormProps<T> = { form, object, meta, title: `${object === undefined ? 'Add' : 'Change'} ${meta.verboseName}` };
    const Template = this.options.template ?? (ModelFormPage as FC<EditFormProps<T>>);
    return render(request, <Template {...props} />, status);
  }

  successUrl(object: T): string {
    const target = this.options.successUrl;
    if (target === undefined) {
      const own = (object as { getAbsoluteUrl?: () => string }).getAbsoluteUrl;
      if (typeof own !== 'function') throw new Error(`${this.constructor.name}: no URL to redirect to. Give successUrl, or define getAbsoluteUrl() on ${this.model.meta.objectName}.`);
      return own.call(object);
    }
    const text = typeof target === 'function' ? target(object) : target;
    return text.includes('/') ? text : reverse(text);
  }

  /** The view function for `path()`, with the permission check in front of it. */
  protected static guarded(view: ModelFormView<any>, action: 'add' | 'change'): View<any> {
    const handler: View<any> = (request) => view.dispatch(request);
    const { permission, loginUrl } = view.options;
    if (permission === null) return handler;
    const { meta } = view.model;
    return permissionRequired(permission ?? `${meta.appLabel}.${action}_${meta.modelName}`, handler, loginUrl === undefined ? {} : { loginUrl });
  }
}

/** Django's CreateView: a form for a new object. */
export class CreateView<T> extends ModelFormView<T> {
  static for<C extends EditModel<any>, const N extends FormFieldName<C>>(model: C, options: EditViewOptions<InstanceOfClass<C>, N>): View<any> {
    return ModelFormView.guarded(new CreateView<InstanceOfClass<C>>(model, options), 'add');
  }

  getObject(): Promise<T | undefined> {
    return Promise.resolve(undefined);
  }
}

/** Django's UpdateView: the form of the object the URL names (a 404 when there is none). */
export class UpdateView<T> extends ModelFormView<T> {
  declare readonly options: UpdateViewOptions<T>;

  static for<C extends EditModel<any>, const N extends FormFieldName<C>>(model: C, options: UpdateViewOptions<InstanceOfClass<C>, N>): View<any> {
    return ModelFormView.guarded(new UpdateView<InstanceOfClass<C>>(model, options), 'change');
  }

  getObject(request: ViewRequest<any>): Promise<T> {
    const source = this.options.queryset?.() ?? this.model.objects;
    return getObjectOr404(source, this.options.lookup?.(request.params) ?? request.params);
  }
}
