/** The baseline of bench/admin.ts's final POST: the same delete by a queryset, in process. */
import { connect } from 'trove';
import 'trove/admin';
import { Author } from '../../examples/blog/models.ts';

const db = await connect(process.argv[2]!);
const start = performance.now();
const result = await Author.objects.filter({ id__lte: 5000 }).delete();
console.log(`deleted in ${(performance.now() - start).toFixed(1)} ms: ${result.total} rows`);
await db.close();
