import { after, before, beforeEach } from 'node:test';
/**
 * Test helpers: the database under test comes from TROVE_TEST_DATABASE (set by
 * scripts/run-tests.mjs for each backend), SQLite in memory otherwise.
 */
import { connect, IntegrityError, type Database, type QueryEvent } from '../../src/index.ts';

export const TEST_DATABASE_URL = process.env.TROVE_TEST_DATABASE ?? 'sqlite::memory:';
export const BACKEND = (process.env.TROVE_TEST_BACKEND ?? 'sqlite') as 'sqlite' | 'postgres' | 'mariadb';

/**
 * For `assert.rejects` / `assert.throws`: an IntegrityError (Trove's one class for every driver's
 * constraint errors) whose message matches `message`, so that a test of a constraint fails when
 * the statement fails for another reason (a missing column, a syntax error).
 */
export function integrityError(message: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof IntegrityError && message.test(error.message);
}

/** Every statement sent while a capture is running. */
const captured: QueryEvent[][] = [];

/** Connects to the test database with fresh tables for every registered model. */
export async function setupDatabase(url = TEST_DATABASE_URL): Promise<Database> {
  const db = await connect(url, { onQuery: (event) => captured.forEach((list) => list.push(event)) });
  await db.dropTables();
  await db.createTables();
  return db;
}

/** Runs `fn` and returns the SQL statements it sent. */
export async function captureQueries(fn: () => Promise<unknown>): Promise<QueryEvent[]> {
  const list: QueryEvent[] = [];
  captured.push(list);
  try {
    await fn();
  } finally {
    captured.splice(captured.indexOf(list), 1);
  }
  return list;
}

/**
 * Registers hooks that give every test of the file a fresh database filled by `seed`;
 * returns a getter for what the seed returned.
 */
export function withSeededDatabase<T>(seed: () => Promise<T>): () => T {
  let db: Database | undefined;
  let seeded: T | undefined;
  before(async () => {
    db = await setupDatabase();
  });
  beforeEach(async () => {
    await db!.flush();
    seeded = await seed();
  });
  after(() => db?.close());
  return () => seeded as T;
}
