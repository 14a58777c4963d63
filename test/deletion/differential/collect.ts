/**
 * The reference's collector: Django's documented on_delete rules applied row by row, plus
 * Trove's trash. Slow and obvious on purpose.
 *
 * Hard delete (Django's Collector): starting from the root rows, follow every foreign key that
 * points at a taken row. CASCADE takes the referring row; PROTECT blocks if any row refers (even
 * one the delete takes); RESTRICT blocks unless the referring row is taken too; SET_NULL /
 * SET_DEFAULT (default null here) clear the key of rows that stay; DO_NOTHING leaves it. Link
 * rows of a many-to-many go with either side. Rows in the trash are rows like any other.
 *
 * A DO_NOTHING key with a database constraint, of a row that stays, pointing at a row a hard
 * delete takes, makes the database refuse the whole delete (IntegrityError); rows that go too
 * are deleted first.
 *
 * Soft delete: only live rows are taken, CASCADE is followed into models with a trash only (into
 * a model without one it blocks: TrashCascadeError), live rows block, no key changes and links
 * stay.
 */
import { isLive, type RefRow, type World } from './evaluate.ts';

export interface Collected {
  /** Per model, the ids of the rows taken. */
  taken: Set<number>[];
  /** Per model with a many-to-many field, the indexes (into world.links) of the link rows taken. */
  links: Set<number>[];
  /** [model, key index, row] of rows that stay and get a key cleared. */
  updates: [number, number, RefRow][];
  /** Models (indexes) whose rows block the delete, per kind of block. */
  protected: Set<number>;
  restricted: Set<number>;
  untrashable: Set<number>;
  error: 'protected' | 'restricted' | 'untrashable' | undefined;
  /** A hard delete's checked DO_NOTHING key of a row that stays points at a row it takes. */
  dangling: boolean;
}

export function collect(world: World, roots: [number, RefRow][], soft: boolean): Collected {
  const { models, tables } = world;
  const taken = models.map(() => new Set<number>());
  const queue: [number, RefRow][] = [];
  const take = (m: number, row: RefRow) => {
    if (taken[m]!.has(row.id)) return;
    taken[m]!.add(row.id);
    queue.push([m, row]);
  };
  for (const [m, row] of roots) take(m, row);
  const protectedBy = new Set<number>();
  const untrashable = new Set<number>();
  const restrictCandidates: [number, number][] = [];
  const updates: [number, number, RefRow][] = [];
  while (queue.length > 0) {
    const [m, row] = queue.shift()!;
    models.forEach((referrer, i) => {
      referrer.fks.forEach((fk, j) => {
        if (fk.target !== m) return;
        for (const other of tables[i]!.values()) {
          if (other.fks[j] !== row.id) continue;
          // A soft delete sees live rows only: the trash refers to nothing.
          if (soft && !isLive(world, i, other)) continue;
          switch (fk.rule) {
            case 'CASCADE':
              if (!soft || referrer.soft) take(i, other);
              else untrashable.add(i);
              break;
            case 'PROTECT':
              protectedBy.add(i);
              break;
            case 'RESTRICT':
              restrictCandidates.push([i, other.id]);
              break;
            case 'SET_NULL':
            case 'SET_DEFAULT':
              if (!soft) updates.push([i, j, other]);
              break;
            case 'DO_NOTHING':
              break;
          }
        }
      });
    });
  }
  const restricted = new Set(restrictCandidates.filter(([i, id]) => !taken[i]!.has(id)).map(([i]) => i));
  const links = models.map((model, i) => {
    const gone = new Set<number>();
    if (soft || model.m2m === null) return gone;
    world.links[i]!.forEach(([s, t], n) => {
      if (taken[i]!.has(s) || taken[model.m2m!.target]!.has(t)) gone.add(n);
    });
    return gone;
  });
  const dangling = !soft && models.some((referrer, i) => referrer.fks.some((fk, j) =>
    fk.rule === 'DO_NOTHING' && fk.constraint && [...tables[i]!.values()].some((row) => !taken[i]!.has(row.id) && row.fks[j] !== null && taken[fk.target]!.has(row.fks[j]!))));
  const error = protectedBy.size > 0 ? 'protected' : restricted.size > 0 ? 'restricted' : untrashable.size > 0 ? 'untrashable' : undefined;
  return { taken, links, updates: updates.filter(([i, , row]) => !taken[i]!.has(row.id)), protected: protectedBy, restricted, untrashable, error, dangling };
}

/** Carries out a hard delete that was collected: keys cleared, rows and links gone. */
export function applyHard(world: World, collected: Collected): void {
  for (const [, j, row] of collected.updates) row.fks[j] = null;
  collected.taken.forEach((ids, m) => ids.forEach((id) => world.tables[m]!.delete(id)));
  collected.links.forEach((gone, m) => {
    if (gone.size > 0) world.links[m] = world.links[m]!.filter((_, n) => !gone.has(n));
  });
}
