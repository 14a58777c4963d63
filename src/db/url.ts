/** The three database families Trove speaks to. MariaDB travels under `mysql`. */
export type DialectName = 'sqlite' | 'postgres' | 'mysql';

/** The names a user may give a database family (`--database mariadb`), as URL schemes spell them too. */
const DIALECT_NAMES: Readonly<Record<string, DialectName>> = {
  sqlite: 'sqlite', postgres: 'postgres', postgresql: 'postgres', mysql: 'mysql', mariadb: 'mysql',
};

/** The dialect a user's name for a database family stands for, or undefined if it names none. */
export function dialectNamed(name: string): DialectName | undefined {
  return Object.hasOwn(DIALECT_NAMES, name) ? DIALECT_NAMES[name] : undefined;
}

export interface ParsedUrl {
  dialect: DialectName;
  /** For SQLite: the file path or ':memory:'. For servers: the URL as given. */
  target: string;
}

export class ConnectionUrlError extends Error {
  override name = 'ConnectionUrlError';
}

/**
 * Accepts `sqlite::memory:`, `sqlite:path/to/file.db`, `sqlite:///abs/path.db`,
 * `postgres://…` / `postgresql://…` and `mysql://…` / `mariadb://…`.
 */
export function parseDatabaseUrl(url: string): ParsedUrl {
  if (typeof url !== 'string' || url.length === 0) {
    throw new ConnectionUrlError('connect() needs a database URL such as "sqlite::memory:" or "postgres://user@host/db"');
  }
  if (url.startsWith('sqlite:')) {
    let path = url.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '' || path === ':memory:') return { dialect: 'sqlite', target: ':memory:' };
    return { dialect: 'sqlite', target: path };
  }
  const scheme = url.slice(0, url.indexOf(':'));
  if (scheme === 'postgres' || scheme === 'postgresql') return { dialect: 'postgres', target: url };
  if (scheme === 'mysql' || scheme === 'mariadb') {
    return { dialect: 'mysql', target: scheme === 'mariadb' ? 'mysql' + url.slice('mariadb'.length) : url };
  }
  throw new ConnectionUrlError(
    `Unsupported database URL "${url}": use sqlite:…, postgres://… or mysql://…`,
  );
}
