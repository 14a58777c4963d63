/**
 * `node --import trove/register file.ts`: Node runs a project's TypeScript files as they are
 * imported (the `trove` command does this itself). Stack traces point at the .ts lines.
 */
import { register } from 'node:module';

process.setSourceMapsEnabled(true);
// The compiled hooks sit beside this file in dist/; Trove's own sources run under tsx instead.
register(new URL('./hooks.js', import.meta.url));
