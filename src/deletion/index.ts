import { installDeleter, type QuerySet } from '../orm/index.ts';
import { Collector } from './collector.ts';
import { bulkDelete, deleteInstance, deleteQuerySet, startOnlineDelete } from './delete.ts';
import { planDelete } from './plan.ts';
import { restoreInstance, restoreQuerySet } from './restore.ts';
import './scratch.ts';
import './record.ts';

installDeleter({
  deleteQuerySet: (qs, origin, options) => deleteQuerySet(qs as QuerySet<unknown>, origin, options),
  deleteInstance: (instance, options) => deleteInstance(instance as never, options),
  restoreInstance: (instance, options) => restoreInstance(instance as never, options),
  restoreQuerySet: (qs, options) => restoreQuerySet(qs as QuerySet<unknown>, options),
  planQuerySet: (qs, options) => {
    const queryset = qs as QuerySet<unknown>;
    return planDelete(Collector.forQuerySet(queryset, queryset.meta.softDelete && options.hard !== true ? 'soft' : 'hard'));
  },
  bulkDelete: (qs, objects, options) => bulkDelete(qs as QuerySet<unknown>, objects, options),
  startOnline: (qs, objects, options) => startOnlineDelete(qs as QuerySet<unknown>, objects, options),
});

export { Collector } from './collector.ts';
export { DeletionGraph, type Group, type Check, type FieldUpdate } from './graph.ts';
export { assertTookPlanned, ProtectedError, RestrictedError, RowsChangedError, TrashCascadeError } from './errors.ts';
export { trashCascadeWarnings, checkTrashCascades } from './checks.ts';
export { planDelete, type DeletePlan } from './plan.ts';
export { bulkDelete, deleteInstance, deleteQuerySet, type BulkDeleteOptions } from './delete.ts';
export { softDelete, type SoftDeleteResult } from './soft.ts';
export { Deletion, setDeletionDefaults, deletionDefaults, type DeletionState, type DeletionDefaults } from './record.ts';
export { restoreDeletion, restoreInstance, restoreQuerySet, OrphanRestoreError, RestoreConflictError, type RestoreResult } from './restore.ts';
export { purge, purgeDeletion, planPurgeDeletion, cutoffFrom, PurgeOverlapError, type PurgeOptions, type PurgeProgress, type PurgeResult, type PurgePlan } from './purge.ts';
export { hasRowsInTrash, type OperationRows } from './operations.ts';
export { DELETION_STATES } from './record.ts';
export {
  OnlineOperation, OperationKey, OperationSweep, sweepLimits, OPERATION_STATES, OPERATION_KINDS, startOnline, pauseOperation, resumeOperation, cancelOperation, CANCEL_FAILED,
  operationProgress, listOperations, progressOf, OperationWorker, useOperationEngine, builtInEngine, DEFAULT_PACING, DEFAULT_HEALTH, nextBatchSize,
  type OperationState, type OperationKind, type OnlineOptions, type OnlineOperationStarted, type OperationProgress, type ModelProgress,
  type WorkerOptions, type WorkerEvent, type RunEnd, type OperationEngine, type Pacing, type HealthLimits,
} from './online/index.ts';
