/** The view behind a soft delete's Undo button: POST restores the operation and redirects back. */
import { Deletion, OrphanRestoreError, restoreDeletion, RestoreConflictError, RowsChangedError } from '../deletion/index.ts';
import { DeletionNotPermitted, describeNeed } from '../auth/index.ts';
import { QueryUsageError } from '../orm/index.ts';
import { mayRestore } from './deletion-permissions.ts';
import { messages } from './messages.ts';
import { escapeHtml, page } from './pages.ts';
import { redirect } from './shortcuts.ts';
import type { View } from './urls.ts';

export interface RestoreViewOptions {
  /** Where to go afterwards: a URL or a pattern name. */
  successUrl: string;
}

/**
 * `path('trash/<uuid:deletionId>/restore/', restoreView({ successUrl: 'post_list' }), { name: 'restore' })`.
 * Needs POST (a GET changes nothing) and the `restore` permission of every model whose rows
 * come back; checked on what the restore brings back, before it changes anything.
 */
export function restoreView(options: RestoreViewOptions): View<{ deletionId: string }> {
  return async (request) => {
    if (request.method !== 'POST') return page(405, 'Method not allowed', '<p>Restoring needs a POST.</p>');
    const record = await Deletion.objects.filter({ id: request.params.deletionId, state__in: ['active', 'partial'] }).first();
    if (record === null) return page(404, 'Page not found', '<p>No such deletion in the trash.</p>');
    try {
      const { total } = await restoreDeletion(record.id, { authorize: mayRestore(request) });
      messages.success(request, `Restored ${total} ${total === 1 ? 'object' : 'objects'}.`);
    } catch (error) {
      if (error instanceof DeletionNotPermitted) return page(403, 'Forbidden', `<p>You do not have permission to restore this: ${escapeHtml(error.missing.map(describeNeed).join(', '))}.</p>`);
      // Refused with a reason (an orphan, a taken unique value, or restored or purged meanwhile): say it.
      if (!(error instanceof OrphanRestoreError || error instanceof RestoreConflictError || error instanceof QueryUsageError || error instanceof RowsChangedError)) throw error;
      messages.error(request, error.message);
    }
    return redirect(options.successUrl);
  };
}
