/** Trove's public API. */
export { connect, atomic, onCommit, getDatabase, Database, IntegrityError, type ConnectOptions, type QueryEvent } from './db/index.ts';
export * from './orm/index.ts';
export { fields as f } from './orm/index.ts';
export { signals, Signal } from './signals.ts';
export { registerCheck, checkError, checkWarning, checkInfo, SystemCheckError, type Check, type CheckContext, type CheckMessage, type CheckLevel } from './checks/index.ts';
export {
  ProtectedError, RestrictedError, RowsChangedError, TrashCascadeError, OrphanRestoreError, RestoreConflictError, restoreDeletion, purgeDeletion, planPurgeDeletion, purge, Deletion, PurgeOverlapError,
  type DeletePlan, type PurgePlan, type BulkDeleteOptions, type SoftDeleteResult, type RestoreResult, type PurgeOptions, type PurgeProgress, type PurgeResult,
} from './deletion/index.ts';
export {
  OnlineOperation, operationProgress, listOperations, pauseOperation, resumeOperation, cancelOperation, OperationWorker, useOperationEngine, sweepLimits,
  type OperationState, type OperationProgress, type ModelProgress, type WorkerOptions, type WorkerEvent, type OperationEngine,
} from './deletion/index.ts';
