import { createPool, type Pool } from 'mysql2';
import { CompiledQuery, MysqlDialect } from 'kysely';

export function openMysql(url: string): { dialect: MysqlDialect; pool: Pool } {
  const pool = createPool({
    uri: url,
    connectionLimit: 10,
    charset: 'utf8mb4',
    // Trove converts dates itself, always in UTC, so that all three databases agree.
    dateStrings: true,
    // JSON arrives as text, as on SQLite, and Trove parses it: otherwise a JSON string value is ambiguous.
    jsonStrings: true,
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: false,
    multipleStatements: false,
  });
  // Read committed, as Django sets it: under the server's default (repeatable read) a plain
  // SELECT reads the snapshot of the transaction's first read while UPDATE and DELETE act on the
  // rows committed since, so a delete's plan and what it then takes could differ.
  const onCreateConnection = async (connection: { executeQuery: (query: CompiledQuery) => Promise<unknown> }) => {
    await connection.executeQuery(CompiledQuery.raw('set session transaction isolation level read committed'));
  };
  return { dialect: new MysqlDialect({ pool, onCreateConnection }), pool };
}
