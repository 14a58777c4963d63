import { createPool, type Pool } from 'mysql2';
import { MysqlDialect } from 'kysely';

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
  return { dialect: new MysqlDialect({ pool }), pool };
}
