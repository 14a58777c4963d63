/** The data of the online delete benchmarks: authors <- posts <- comments, 1 : 10 : 100, on PostgreSQL. */

export const URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const ROWS = Number(process.env.ONLINE_BENCH_ROWS ?? 10_000_000);
export const AUTHORS = Math.max(10, Math.round(ROWS / 111));
export const POSTS = AUTHORS * 10;
export const COMMENTS = POSTS * 10;
/** Authors 1 to HALF are deleted. */
export const HALF = Math.floor(AUTHORS / 2);
