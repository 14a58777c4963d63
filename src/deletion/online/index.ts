export { OnlineOperation, OperationKey, OPERATION_STATES, OPERATION_KINDS, type OperationState, type OperationKind } from './records.ts';
export { startOnline, type OnlineOptions, type OnlineOperationStarted } from './submit.ts';
export { pauseOperation, resumeOperation, cancelOperation } from './control.ts';
export { operationProgress, listOperations, progressOf, type OperationProgress, type ModelProgress } from './progress.ts';
export { OperationWorker, type WorkerOptions, type WorkerEvent, type RunEnd } from './worker.ts';
export { useOperationEngine, builtInEngine, type OperationEngine } from './engine.ts';
export { DEFAULT_PACING, nextBatchSize, type Pacing } from './pacing.ts';
export { DEFAULT_HEALTH, type HealthLimits } from './health.ts';
export { assertNotInFlight } from './in-flight.ts';
