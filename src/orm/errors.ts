/** Base of every `Model.DoesNotExist`: catch this to handle a missing object of any model. */
export class ObjectDoesNotExist extends Error {
  override name = 'ObjectDoesNotExist';
}

/** `get()` matched more than one row. Each model has its own subclass, `Model.MultipleObjectsReturned`. */
export class MultipleObjectsReturned extends Error {
  override name = 'MultipleObjectsReturned';
}

/** A field or lookup name that the model does not have, or a query that cannot be built. */
export class FieldError extends Error {
  override name = 'FieldError';
}

/** A value that the field cannot hold: wrong type, too long, null where null is not allowed. */
export class ValidationError extends TypeError {
  override name = 'ValidationError';
  constructor(
    message: string,
    /** `app.Model.field` of the field that refused the value. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A query used in a way it cannot support, such as filtering after a slice. */
export class QueryUsageError extends Error {
  override name = 'QueryUsageError';
}
