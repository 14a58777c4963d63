export { connect, getDatabase, redactUrl, Database, type ConnectOptions, type QueryEvent, type DatabaseFeatures } from './database.ts';
export { atomic, onCommit, inTransaction, type AtomicOptions } from './atomic.ts';
export { parseDatabaseUrl, dialectNamed, ConnectionUrlError, type DialectName } from './url.ts';
export { IntegrityError } from './errors.ts';
export {
  setSchemaSource, registeredTables,
  type TableSpec, type CheckSpec, type ColumnSpec, type ColumnType, type ForeignKeySpec, type IndexSpec,
} from './schema.ts';
export * as ddl from './ddl.ts';
export { columnTypeSql, type DialectLike } from './ddl.ts';
export { dialectOf, likePattern, type SqlDialect, type TextLookup, type DatePartName, type Around, type RowLockOptions } from './dialect.ts';
