/** Running a project's TypeScript without a build: Node module hooks compiling with esbuild. */
export { typeScriptLoader, type TypeScriptLoader } from './loader.ts';
