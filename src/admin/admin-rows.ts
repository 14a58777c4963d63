/**
 * The rows of a soft-delete model that the admin shows a user in the trash: those of the
 * ModelAdmin's `getQueryset()` (Django's get_queryset, the admin's row-level rule) had they not
 * been deleted. getQueryset starts from the live rows (`Post.objects`), so its queryset says
 * "not in the trash" besides its own conditions; here that one condition gives way to "in the
 * trash" (or to nothing, for rows in and out of it), and every other condition stays as written:
 * `Post.objects.filter({ status: 'published' })` becomes the published posts in the trash.
 *
 * What cannot be read this way is shown nowhere: a getQueryset that is a union or a slice, or
 * whose rows are another model's, hides the whole trash of the model. The history page, the
 * model's trash page, an operation's page and the front page's recent actions all read the
 * trash through here.
 */
import { and, QuerySet, SOFT_DELETED_AT, type WhereNode } from '../orm/index.ts';
import type { ViewRequest } from '../web/index.ts';
import type { ModelAdmin } from './options.ts';

/** Trash membership as getQueryset wrote it: a top-level `deleted_at IS [NOT] NULL` of the model's own row. */
function isTrashCondition(node: WhereNode): boolean {
  return node.kind === 'isnull' && node.column === SOFT_DELETED_AT;
}

/** getQueryset's rows in the trash (`deleted`) or in and out of it (`all`). */
export function adminRows(admin: ModelAdmin, request: ViewRequest<any>, scope: 'deleted' | 'all'): QuerySet<any> {
  const qs = admin.getQueryset(request) as QuerySet<any>;
  const state = qs.state;
  if (!admin.meta.softDelete) return qs;
  if (state.meta !== admin.meta || state.union !== undefined || qs.isSliced) return qs.none();
  const where = state.where;
  const conditions = (where === undefined ? [] : where.kind === 'and' ? where.children : [where]).filter((c) => !isTrashCondition(c));
  if (scope === 'deleted') conditions.push({ kind: 'isnull', column: SOFT_DELETED_AT, isNull: false });
  return new QuerySet<any>({ ...state, where: conditions.length === 0 ? undefined : and(conditions), ordering: undefined, resultCache: undefined });
}
