/** Data and helpers the online operations' tests share. */
import assert from 'node:assert/strict';
import { atomic, getDatabase, OperationWorker } from '../../../src/index.ts';
import { Page, Remark, Shelf, Story, Volume, Writer } from './models.ts';

export async function seedWriters(writers: number, stories: number, remarks: number): Promise<void> {
  const ws = await Writer.objects.bulkCreate(Array.from({ length: writers }, (_, i) => ({ name: `w${i}`, group: i % 3 })));
  const ss = await Story.objects.bulkCreate(ws.flatMap((writer) => Array.from({ length: stories }, (_, i) => ({ writer, title: `s${i}` }))));
  await Remark.objects.bulkCreate(ss.flatMap((story, n) => Array.from({ length: remarks }, () => ({ story, editor: ws[n % ws.length]! }))));
}

export async function seedShelves(shelves: number, volumes: number, pages: number): Promise<void> {
  const sh = await Shelf.objects.bulkCreate(Array.from({ length: shelves }, (_, i) => ({ name: `s${i}`, group: i % 3 })));
  const vs = await Volume.objects.bulkCreate(sh.flatMap((shelf) => Array.from({ length: volumes }, () => ({ shelf }))));
  await Page.objects.bulkCreate(vs.flatMap((volume) => Array.from({ length: pages }, () => ({ volume }))));
}

/** Every row of the test's models, as the database holds it. */
export async function snapshot(): Promise<unknown> {
  const rows = async (m: { meta: { softDelete: boolean }; allObjects: unknown; objects: unknown }) => {
    const manager = (m.meta.softDelete ? m.allObjects : m.objects) as { orderBy(f: string): { values(): { fetch(): Promise<Record<string, unknown>[]> } } };
    return (await manager.orderBy('id').values().fetch()).map((row) => {
      // When a row went to the trash differs between the two runs; that it did, and with which others, does not.
      const { deletedAt, deletionId, ...rest } = row;
      return { ...rest, ...(deletedAt === undefined ? {} : { trashed: deletedAt !== null, grouped: deletionId !== null }) };
    });
  };
  return { writers: await rows(Writer), stories: await rows(Story), remarks: await rows(Remark), shelves: await rows(Shelf), volumes: await rows(Volume), pages: await rows(Page) };
}

/** What one transaction's delete would leave, rolled back after being looked at. */
export async function referenceAfter(del: () => Promise<unknown>): Promise<unknown> {
  let seen: unknown;
  const sentinel = new Error('roll back');
  await assert.rejects(atomic(async () => {
    await del();
    seen = await snapshot();
    throw sentinel;
  }), (e) => e === sentinel);
  return seen;
}

export function worker(options: ConstructorParameters<typeof OperationWorker>[1] = {}): OperationWorker {
  return new OperationWorker(getDatabase(), { maxLockWaiters: 1_000, ...options });
}
