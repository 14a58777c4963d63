/**
 * `DeleteView.for(Post, { successUrl: 'post_list' })`: Django's generic DeleteView, plus what the
 * cascade takes on the confirmation page and an Undo after a soft delete.
 *
 * GET shows the page; POST deletes in one transaction and redirects; anything else is a 405.
 * The `delete` permission of the model is required unless `permission: null`; then the delete
 * itself needs `delete` on every model it takes (and `purge` where rows go for good), checked
 * on its plan before the first write, and Undo is offered only to who may restore it all.
 */
import type { FC } from 'hono/jsx';
import { ProtectedError, RestrictedError, RowsChangedError } from '../deletion/index.ts';
import type { DeleteOptions, DeletePlanLike, DeleteResult, Manager, ModelMeta, QuerySet } from '../orm/index.ts';
import { DeletionNotPermitted, describeNeed, missingPermissions, needsOfDelete } from '../auth/index.ts';
import { permissionRequired } from './auth.ts';
import { mayDelete, mayUndo, requestMay } from './deletion-permissions.ts';
import { ConfirmDelete, describePlan, type DeleteConfirmationProps } from './confirm-delete.tsx';
import { messages } from './messages.ts';
import { page } from './pages.ts';
import { render } from './render.tsx';
import type { ViewRequest } from './request.ts';
import { getObjectOr404, redirect } from './shortcuts.ts';
import { reverse, type View } from './urls.ts';

/** What DeleteView needs of an instance: every model instance has it. */
interface Deletable {
  delete(options?: DeleteOptions): Promise<DeleteResult & { deletionId?: string }>;
  hardDelete(options?: Pick<DeleteOptions, 'authorize'>): Promise<DeleteResult>;
  planDelete(options?: { hard?: boolean }): Promise<DeletePlanLike>;
}

type ModelSource<T> = { objects: Manager<T, any>; meta: ModelMeta };

export interface DeleteViewOptions<T> {
  /** Where to go after the delete: a URL, a pattern name, or a function of the deleted object. */
  successUrl: string | ((object: T) => string);
  /** The confirmation page, a component given DeleteConfirmationProps (default: ConfirmDelete). */
  template?: FC<DeleteConfirmationProps<T>>;
  /** The objects the URL may name (default: the model's `objects`, so the trash is a 404). */
  queryset?: () => QuerySet<T, any>;
  /** The lookup from the URL's values (default: the values themselves, e.g. `{ id }`). */
  lookup?: (params: Record<string, unknown>) => Record<string, unknown>;
  /** The permission required (default `<app>.delete_<model>`); null lets anyone delete. */
  permission?: string | null;
  /** Where anonymous visitors are sent to log in (default '/login/'). */
  loginUrl?: string;
  /** Delete for real even on a soft-delete model. */
  hard?: boolean;
  /** The pattern name of the restoreView() behind Undo (default 'restore'); null: no Undo. */
  restoreUrl?: string | null;
  /** Where "No, take me back" leads (default: the success URL). */
  cancelUrl?: string | ((object: T) => string);
  /** How many objects of each model the page lists (default 5). */
  sampleSize?: number;
}

const PLACEHOLDER_ID = '00000000-0000-0000-0000-000000000000';

export class DeleteView<T> {
  constructor(
    readonly model: ModelSource<T>,
    readonly options: DeleteViewOptions<T>,
  ) {}

  /** The view function for `path()`, with the permission check in front of it. */
  static for<T>(model: ModelSource<T>, options: DeleteViewOptions<T>): View<any> {
    const view = new DeleteView(model, options);
    const handler: View<any> = (request) => view.dispatch(request);
    if (options.permission === null) return handler;
    const { meta } = model;
    const permission = options.permission ?? `${meta.appLabel}.delete_${meta.modelName}`;
    return permissionRequired(permission, handler, options.loginUrl === undefined ? {} : { loginUrl: options.loginUrl });
  }

  async dispatch(request: ViewRequest<any>): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'POST') {
      return page(405, 'Method not allowed', '<p>Use GET to see what a delete takes, POST to delete.</p>');
    }
    const object = await this.getObject(request);
    return request.method === 'POST' ? this.post(request, object) : this.confirm(request, object, 200);
  }

  getObject(request: ViewRequest<any>): Promise<T> {
    const source = this.options.queryset?.() ?? this.model.objects;
    return getObjectOr404(source, this.options.lookup?.(request.params) ?? request.params);
  }

  /** The confirmation page: what goes, or what blocks it. */
  async confirm(request: ViewRequest<any>, object: T, status: number, notice?: string): Promise<Response> {
    const plan = await (object as Deletable).planDelete({ hard: this.options.hard === true });
    const forbidden = this.checked ? (await missingPermissions(needsOfDelete(plan), requestMay(request))).map(describeNeed) : [];
    const props: DeleteConfirmationProps<T> = {
      object,
      meta: this.model.meta,
      plan,
      forbidden,
      ...(await describePlan(this.model.meta, plan, this.options.sampleSize ?? 5, object as object, this.checked ? (model) => requestMay(request)('view', model) : undefined)),
      cancelUrl: this.url(this.options.cancelUrl ?? this.options.successUrl, object),
      ...(notice !== undefined && { notice }),
    };
    const Template = this.options.template ?? (ConfirmDelete as FC<DeleteConfirmationProps<T>>);
    return render(request, <Template {...props} />, status);
  }

  async post(request: ViewRequest<any>, object: T): Promise<Response> {
    const meta = this.model.meta;
    const soft = meta.softDelete && this.options.hard !== true;
    const restoreUrl = this.options.restoreUrl === undefined ? 'restore' : this.options.restoreUrl;
    // A missing restore route is a configuration error: say so before deleting, not after.
    if (soft && restoreUrl !== null) reverse(restoreUrl, { deletionId: PLACEHOLDER_ID });
    const name = `${meta.verboseName} “${String(object)}”`;
    const successUrl = this.url(this.options.successUrl, object);
    let result: DeleteResult & { deletionId?: string };
    const authorize = this.checked ? mayDelete(request) : undefined;
    try {
      result = soft
        ? await (object as Deletable).delete({ actor: actorOf(request), source: 'view', ...(authorize && { authorize }) })
        : await (object as Deletable).hardDelete(authorize && { authorize });
    } catch (error) {
      // Someone added a protected row since the page was shown: show the page again, now with it.
      if (error instanceof ProtectedError || error instanceof RestrictedError) return this.confirm(request, object, 409);
      if (error instanceof DeletionNotPermitted) return this.confirm(request, object, 403);
      // Rows changed while it ran (another writer, a receiver): nothing went; show what goes now.
      if (error instanceof RowsChangedError) return this.confirm(request, object, 409, 'The objects changed while they were being deleted, so nothing was deleted. This is what deleting takes now.');
      throw error;
    }
    const others = result.total - 1;
    const tail = others > 0 ? ` with ${others} related ${others === 1 ? 'object' : 'objects'}` : '';
    if (result.deletionId !== undefined) {
      const offered = restoreUrl !== null && (!this.checked || (await mayUndo(request, result.byModel)));
      const undo = offered ? { undoUrl: reverse(restoreUrl, { deletionId: result.deletionId }) } : undefined;
      messages.success(request, `The ${name} was moved to the trash${tail}.`, undo);
    } else {
      messages.success(request, `The ${name} was deleted${tail}.`);
    }
    return redirect(successUrl);
  }

  /** Whether the user's permissions are checked (`permission: null` lets anyone delete). */
  private get checked(): boolean {
    return this.options.permission !== null;
  }

  private url(target: string | ((object: T) => string), object: T): string {
    const text = typeof target === 'function' ? target(object) : target;
    return text.includes('/') ? text : reverse(text);
  }
}

function actorOf(request: ViewRequest<any>): string | null {
  return request.user.isAuthenticated ? (request.user as { username: string }).username : null;
}
