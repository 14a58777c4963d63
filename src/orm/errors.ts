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
/** The key of errors that belong to no one field (Django's NON_FIELD_ERRORS). */
export const NON_FIELD_ERRORS = '__all__';

export class ValidationError extends TypeError {
  override name = 'ValidationError';
  /** Messages by field name (`__all__` for the model as a whole), as `fullClean()` reports them. */
  readonly errors: Record<string, string[]>;
  /**
   * `new ValidationError('Too long', 'blog.Post.title')`, or, from a model's `clean()`,
   * `new ValidationError({ title: 'Must differ from the slug.' })`.
   */
  constructor(
    message: string | Record<string, string | readonly string[]>,
    /** `app.Model.field` of the field that refused the value. */
    readonly field?: string,
  ) {
    const errors = typeof message === 'string'
      ? { [field?.split('.').pop() ?? NON_FIELD_ERRORS]: [message] }
      : Object.fromEntries(Object.entries(message).map(([key, value]) => [key, typeof value === 'string' ? [value] : [...value]]));
    super(typeof message === 'string' ? message : Object.entries(errors).map(([key, list]) => `${key}: ${list.join(' ')}`).join('; '));
    this.errors = errors;
  }

}

/** A query used in a way it cannot support, such as filtering after a slice. */
export class QueryUsageError extends Error {
  override name = 'QueryUsageError';
}
