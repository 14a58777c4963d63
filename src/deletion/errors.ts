/** Deleting would break a PROTECT or RESTRICT foreign key; nothing was deleted. */
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
