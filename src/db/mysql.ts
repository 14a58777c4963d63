import { createPool, type Pool } from 'mysql2';
import { MysqlDialect } from 'kysely';

export function openMysql(url: string): { dialect: MysqlDialect; pool: Pool } {
  const pool = createPool({
    uri: url,
    connectionLimit: 10,
    charset: 'utf8mb4',
    // Trove converts dates itself, always in UTC, so that all three databases agree.
    dateStrings: true,
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: false,
    multipleStatements: false,
  });
  return { dialect: new MysqlDialect({ pool }), pool };
}
