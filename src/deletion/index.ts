import { installDeleter, type QuerySet } from '../orm/index.ts';
import { Collector } from './collector.ts';
import { bulkDelete, deleteInstance, deleteQuerySet } from './delete.ts';
import { planDelete } from './plan.ts';
import { restoreInstance, restoreQuerySet } from './restore.ts';
import './scratch.ts';
import './record.ts';

installDeleter({
  deleteQuerySet: (qs, origin, options) => deleteQuerySet(qs as QuerySet<unknown>, origin, options),
  deleteInstance: (instance, options) => deleteInstance(instance as never, options),
  restoreInstance: (instance) => restoreInstance(instance as never),
  restoreQuerySet: (qs) => restoreQuerySet(qs as QuerySet<unknown>),
  planQuerySet: (qs, options) => {
    const queryset = qs as QuerySet<unknown>;
    return planDelete(Collector.forQuerySet(queryset, queryset.meta.softDelete && options.hard !== true ? 'soft' : 'hard'));
  },
  bulkDelete: (qs, objects, options) => bulkDelete(qs as QuerySet<unknown>, objects, options),
});

export { Collector } from './collector.ts';
export { DeletionGraph, type Group, type Check, type FieldUpdate } from './graph.ts';
export { ProtectedError, RestrictedError } from './errors.ts';
export { planDelete, type DeletePlan } from './plan.ts';
export { bulkDelete, deleteInstance, deleteQuerySet, type BulkDeleteOptions } from './delete.ts';
export { softDelete, type SoftDeleteResult } from './soft.ts';
export { Deletion, setDeletionDefaults, deletionDefaults, type DeletionState, type DeletionDefaults } from './record.ts';
export { restoreDeletion, restoreInstance, restoreQuerySet, OrphanRestoreError, RestoreConflictError, type RestoreResult } from './restore.ts';
export { purge, purgeDeletion, cutoffFrom, type PurgeOptions, type PurgeProgress, type PurgeResult } from './purge.ts';
