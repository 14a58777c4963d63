#!/usr/bin/env node
// The `trove` command. Projects are written in TypeScript, so the CLI runs under tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
