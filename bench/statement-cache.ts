/**
 * The statement cache's hit path: preparing a select whose SQL is already cached (its key and
 * values, no SQL run), µs per call, medians of 15 samples of 20,000 calls.
 *
 *   npx tsx bench/statement-cache.ts [repo root]
 *
 * The root (default: this repository) lets the same script measure another checkout, such as
 * `git worktree add --detach /tmp/before <commit>` with node_modules linked in.
 */
const root = process.argv[2] ?? new URL('..', import.meta.url).pathname;
const { model, f, CASCADE, Q, Count, setupDatabase } = await (async () => {
  const idx = await import(`${root}/src/index.ts`);
  const sup = await import(`${root}/test/support/database.ts`);
  return { ...idx, setupDatabase: sup.setupDatabase };
})();
const { prepareSelect } = await import(`${root}/src/orm/query/compiler.ts`);
class Writer extends model('hit.Writer', { name: f.char({ maxLength: 20 }), age: f.integer({ null: true }) }) {}
class Item extends model('hit.Item', { writer: f.foreignKey(() => Writer, { onDelete: CASCADE, relatedName: 'items' }), title: f.char({ maxLength: 20 }), price: f.integer() }) {}
const db = await setupDatabase('sqlite::memory:');
const specs: Record<string, () => unknown> = {
  get: () => (Item.objects.filter({ id: 7 }) as any).spec('rows'),
  filter3: () => (Item.objects.filter({ price__gt: 3, title__startswith: 'a', writer__age__lt: 40 }).orderBy('-price') as any).spec('rows'),
  or: () => (Item.objects.filter(Q({ price: 1 }).or({ writer__name: 'x' })) as any).spec('rows'),
  annotate: () => (Writer.objects.annotate({ n: Count('items') }).filter({ n__gt: 2 }) as any).spec('rows'),
};
const N = 20000;
const out: Record<string, number[]> = {};
for (let sample = 0; sample < 15; sample++) {
  for (const [name, make] of Object.entries(specs)) {
    const spec = make();
    prepareSelect(db, spec);
    const t = process.hrtime.bigint();
    for (let i = 0; i < N; i++) prepareSelect(db, spec);
    (out[name] ??= []).push(Number(process.hrtime.bigint() - t) / 1000 / N);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(JSON.stringify(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, +median(v).toFixed(3)]))));
await db.close();
