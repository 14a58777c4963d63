/**
 * How big the next batch is and when it may start: batches grow or shrink toward a target
 * duration (each batch holds its locks that long at most), and all running operations together
 * keep under a global rate.
 */

export interface Pacing {
  /** How long a batch should take; the size follows (default 200 ms). */
  targetBatchMs: number;
  initialBatchSize: number;
  maxBatchSize: number;
  /** Rows per second that all running operations together may delete at; unlimited when undefined. */
  maxRowsPerSecond?: number;
}

export const DEFAULT_PACING: Pacing = { targetBatchMs: 200, initialBatchSize: 100, maxBatchSize: 10_000 };

/** The next size: scaled toward the target, never more than doubled or halved at once. */
export function nextBatchSize(size: number, ms: number, { targetBatchMs, maxBatchSize }: Pacing): number {
  const ideal = ms <= 0 ? size * 2 : (size * targetBatchMs) / ms;
  const bounded = Math.min(size * 2, Math.max(size / 2, ideal));
  return Math.max(1, Math.min(maxBatchSize, Math.round(bounded)));
}

/** After a batch that took `rows` in `elapsedMs`: how long to wait so that this operation keeps to its share of the rate. */
export function rateDelayMs(rows: number, elapsedMs: number, running: number, { maxRowsPerSecond }: Pacing): number {
  if (maxRowsPerSecond === undefined || maxRowsPerSecond <= 0 || rows === 0) return 0;
  const share = maxRowsPerSecond / Math.max(1, running);
  return Math.max(0, (rows / share) * 1000 - elapsedMs);
}
