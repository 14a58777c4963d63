/** Deleting would break a PROTECT or RESTRICT foreign key (or leave a row pointing into the trash); nothing was deleted. */
abstract class BlockedDeleteError extends Error {
  constructor(
    message: string,
    /** The rows that refer to what was to be deleted (at most a few thousand per relation). */
    readonly blockingObjects: readonly object[],
  ) {
    super(message);
  }
}

export class ProtectedError extends BlockedDeleteError {
  override name = 'ProtectedError';
  get protectedObjects(): readonly object[] {
    return this.blockingObjects;
  }
}

export class RestrictedError extends BlockedDeleteError {
  override name = 'RestrictedError';
  get restrictedObjects(): readonly object[] {
    return this.blockingObjects;
  }
}

/**
 * What a delete, restore or purge was about to take differs from the plan it showed or was
 * authorized on: another connection, or a signal receiver, changed the rows while it ran. The
 * transaction is rolled back: nothing was taken.
 */
export class RowsChangedError extends Error {
  override name = 'RowsChangedError';
  constructor(
    readonly planned: Readonly<Record<string, number>>,
    readonly taken: Readonly<Record<string, number>>,
  ) {
    super(`The rows changed while this ran: its plan showed ${describeCounts(planned)}, but it would have taken ${describeCounts(taken)} (another connection or a signal receiver wrote meanwhile). Nothing was changed; plan it again.`);
  }
}

/** Throws RowsChangedError unless `taken` has exactly the counts of `planned`. */
export function assertTookPlanned(planned: Readonly<Record<string, number>>, taken: Readonly<Record<string, number>>): void {
  const labels = new Set([...Object.keys(planned), ...Object.keys(taken)]);
  for (const label of labels) if ((planned[label] ?? 0) !== (taken[label] ?? 0)) throw new RowsChangedError(planned, taken);
}

function describeCounts(counts: Readonly<Record<string, number>>): string {
  const parts = Object.entries(counts).filter(([, n]) => n > 0).sort().map(([label, n]) => `${n} ${label}`);
  return parts.length === 0 ? 'nothing' : parts.join(', ');
}

/**
 * A soft delete would cascade into rows of a model without a trash: moving the rows to the trash
 * would leave those pointing at them, and deleting them for good could not be undone.
 */
export class TrashCascadeError extends ProtectedError {
  override name = 'TrashCascadeError';
}
