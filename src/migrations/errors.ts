/** Anything wrong with migrations: a bad file, a cycle, an ambiguous change, a failed operation. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** A change the autodetector will not guess at without being told (a rename, a value for old rows). */
export class AmbiguousChangeError extends MigrationError {
  override name = 'AmbiguousChangeError';
}
