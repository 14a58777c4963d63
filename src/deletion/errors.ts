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
 * A soft delete would cascade into rows of a model without a trash: moving the rows to the trash
 * would leave those pointing at them, and deleting them for good could not be undone.
 */
export class TrashCascadeError extends ProtectedError {
  override name = 'TrashCascadeError';
}
