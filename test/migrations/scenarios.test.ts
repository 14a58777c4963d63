/**
 * Django's own migration cases (tests/migrations/), each run as a user runs it: makemigrations
 * and migrate forwards, back step by step, to zero and forwards again, with rows, and the schema
 * compared with what createTables() makes for the same models (see scenarios/scenario.ts).
 */
import { after, before, test } from 'node:test';
import { connect, type Database } from '../../src/index.ts';
import { TEST_DATABASE_URL } from '../support/database.ts';
import { fieldScenarios } from './scenarios/fields.ts';
import { modelScenarios } from './scenarios/models.ts';
import { runScenario } from './scenarios/scenario.ts';

let db: Database;
before(async () => {
  db = await connect(TEST_DATABASE_URL);
});
after(() => db.close());

for (const scenario of [...fieldScenarios, ...modelScenarios]) {
  test(scenario.name, () => runScenario(db, scenario));
}
