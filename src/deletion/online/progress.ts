/** How far an operation got, per model, and how long it has left at the rate it goes. */
import { getDatabase, type Database } from '../../db/index.ts';
import { FINISHED_STATES, OnlineOperation, type OperationKind, type OperationState } from './records.ts';

export interface ModelProgress {
  label: string;
  /** What the plan said, when the operation was submitted. */
  planned: number;
  done: number;
  /** Planned rows not taken yet (never below 0: rows inserted since may make done exceed planned). */
  left: number;
}

export interface OperationProgress {
  id: string;
  kind: OperationKind;
  state: OperationState;
  rootLabel: string;
  models: ModelProgress[];
  planned: number;
  done: number;
  keysTotal: number;
  keysDone: number;
  batches: number;
  batchSize: number;
  slowestBatchMs: number;
  /** Rows per second since it started; undefined before. */
  rate?: number;
  /** Seconds left at that rate; undefined when unknown. */
  secondsLeft?: number;
  error: string;
  deletionId: string | null;
  actor: string | null;
  source: string;
  reason: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  leaseOwner: string | null;
  heartbeatAt: Date | null;
}

export function progressOf(op: InstanceType<typeof OnlineOperation>, now = new Date()): OperationProgress {
  const labels = [...new Set([...Object.keys(op.plan), ...Object.keys(op.done)])].sort();
  const models = labels.map((label) => {
    const planned = op.plan[label] ?? 0;
    const done = op.done[label] ?? 0;
    return { label, planned, done, left: Math.max(0, planned - done) };
  });
  const planned = models.reduce((sum, m) => sum + m.planned, 0);
  const done = models.reduce((sum, m) => sum + m.done, 0);
  const keysTotal = Number(op.keysTotal);
  const keysDone = Number(op.keysDone);
  const end = op.finishedAt ?? now;
  const seconds = op.startedAt === null ? 0 : (end.getTime() - op.startedAt.getTime()) / 1000;
  const rate = seconds > 0 && done > 0 ? done / seconds : undefined;
  const secondsLeft = op.state === 'done' ? 0 : rate === undefined ? undefined : timeLeft(seconds, planned - done, done, keysTotal - keysDone, keysDone);
  return {
    id: op.id, kind: op.kind as OperationKind, state: op.state as OperationState, rootLabel: op.rootLabel, models, planned, done,
    keysTotal, keysDone, batches: op.batches, batchSize: op.batchSize, slowestBatchMs: op.slowestBatchMs,
    ...(rate === undefined ? {} : { rate }), ...(secondsLeft === undefined ? {} : { secondsLeft }),
    error: op.error, deletionId: op.deletionId, actor: op.actor, source: op.source, reason: op.reason,
    createdAt: op.createdAt, startedAt: op.startedAt, finishedAt: op.finishedAt, leaseOwner: op.leaseOwner, heartbeatAt: op.heartbeatAt,
  };
}

/**
 * Seconds left at the pace so far. The plan's rows are the measure while some are left: a hard
 * delete's sweep takes rows and no root key. Once the rows planned are done (rows inserted since
 * can make the done exceed them), the root keys left are.
 */
function timeLeft(seconds: number, rowsLeft: number, rowsDone: number, keysLeft: number, keysDone: number): number | undefined {
  if (rowsLeft > 0 && rowsDone > 0) return (seconds * rowsLeft) / rowsDone;
  if (keysLeft <= 0) return 0;
  return keysDone > 0 ? (seconds * keysLeft) / keysDone : undefined;
}

export async function operationProgress(id: string, db: Database = getDatabase()): Promise<OperationProgress> {
  return progressOf(await OnlineOperation.objects.using(db).get({ id }));
}

/** Operations, newest first: those still going, then the most recent finished ones. */
export async function listOperations(db: Database = getDatabase(), limit = 50): Promise<OperationProgress[]> {
  const all = OnlineOperation.objects.using(db).orderBy('-createdAt', '-id');
  const going = await all.exclude({ state__in: [...FINISHED_STATES] }).slice(0, limit).fetch();
  const finished = going.length >= limit ? [] : await all.filter({ state__in: [...FINISHED_STATES] }).slice(0, limit - going.length).fetch();
  return [...going, ...finished].map((op) => progressOf(op));
}
