/**
 * A writer racing an online delete, in its own process: it keeps adding remarks to stories (and
 * stories to writers) picked at random, among them the ones being deleted, until SIGTERM; then it
 * writes what it added and what the database refused to the file it was given.
 * Usage: node --import tsx inserter.ts <database url> <out.json> <max story id> <max writer id>
 */
import { writeFileSync } from 'node:fs';
import { connect, IntegrityError } from '../../../src/index.ts';
import { Remark, Story } from './models.ts';

const [url, out, maxStory, maxWriter] = process.argv.slice(2) as [string, string, string, string];
const db = await connect(url);
const added: { remarks: { id: number; storyId: number }[]; stories: { id: number; writerId: number }[] } = { remarks: [], stories: [] };
let refused = 0;
const errors: string[] = [];
let stopping = false;
process.on('SIGTERM', () => (stopping = true));
const pick = (max: string) => 1 + Math.floor(Math.random() * Number(max));

while (!stopping) {
  try {
    if (Math.random() < 0.8) {
      const storyId = pick(maxStory);
      const remark = await Remark.objects.create({ storyId, editorId: null } as never);
      added.remarks.push({ id: remark.id, storyId });
    } else {
      const writerId = pick(maxWriter);
      const story = await Story.objects.create({ writerId, title: 'late' } as never);
      added.stories.push({ id: story.id, writerId });
    }
  } catch (error) {
    // A parent gone before the insert: the race lost, as it should be.
    if (error instanceof IntegrityError) refused++;
    else errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
  await new Promise((resolve) => setImmediate(resolve));
}
writeFileSync(out, JSON.stringify({ added, refused, errors }));
await db.close();
