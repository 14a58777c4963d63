/**
 * "Did you mean …?" for the system checks: the name a typo most likely meant, and for a path
 * (`author__nmae`) the path with only the failing segment corrected (`author__name`), each
 * segment judged against the names of the model the path has reached by then.
 */
import { ForeignKeyField, ManyToManyField } from './fields/relations.ts';
import type { ModelMeta } from './meta.ts';

/**
 * How close a suggestion must be, as Django's suggestions judge it (`difflib.get_close_matches`,
 * cutoff 0.6): a fixed number of letters off was too loose for short names (`x` gave `pk`).
 */
export const CLOSE_ENOUGH = 0.6;

/**
 * The name in `candidates` a typo most likely meant, as `difflib.get_close_matches(name,
 * candidates, n=1)` picks it: the highest similarity of at least 0.6 (case aside), ties to the
 * name that sorts last, as Python's `heapq.nlargest` orders (score, name) pairs.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; score: number } | undefined;
  for (const candidate of candidates) {
    const score = similarity(candidate.toLowerCase(), name.toLowerCase());
    if (score < CLOSE_ENOUGH) continue;
    if (best === undefined || score > best.score || (score === best.score && candidate > best.name)) best = { name: candidate, score };
  }
  return best?.name;
}

/**
 * `difflib.SequenceMatcher(None, a, b).ratio()`: twice the letters in matching blocks over the
 * letters in both. The blocks are Ratcliff and Obershelp's: the longest common run, then the
 * same on each side of it. (Python's "popular letter" heuristic starts at 200 letters: no name is that long.)
 */
export function similarity(a: string, b: string): number {
  if (a.length + b.length === 0) return 1;
  return (2 * matchingLetters(a, b, 0, a.length, 0, b.length)) / (a.length + b.length);
}

function matchingLetters(a: string, b: string, alo: number, ahi: number, blo: number, bhi: number): number {
  const { i, j, size } = longestMatch(a, b, alo, ahi, blo, bhi);
  if (size === 0) return 0;
  return size + matchingLetters(a, b, alo, i, blo, j) + matchingLetters(a, b, i + size, ahi, j + size, bhi);
}

/** `find_longest_match` without junk: the longest common run, the earliest in a, then in b. */
function longestMatch(a: string, b: string, alo: number, ahi: number, blo: number, bhi: number): { i: number; j: number; size: number } {
  let best = { i: alo, j: blo, size: 0 };
  // Run lengths ending at (i - 1, j), by j: one row of the table at a time.
  let previous = new Map<number, number>();
  for (let i = alo; i < ahi; i++) {
    const current = new Map<number, number>();
    for (let j = blo; j < bhi; j++) {
      if (a[i] !== b[j]) continue;
      const size = (previous.get(j - 1) ?? 0) + 1;
      current.set(j, size);
      if (size > best.size) best = { i: i - size + 1, j: j - size + 1, size };
    }
    previous = current;
  }
  return best;
}

export interface PathOptions {
  /** Through forward foreign keys alone (ordering, listDisplay), not many-to-many or reverse relations (filters). */
  readonly forwardOnly?: boolean;
}

/** A name on `meta` and, when a path may go on from it, the model it leads to. */
interface Step {
  readonly name: string;
  readonly next: ModelMeta | undefined;
}

/** What a path may name on `meta`: its fields and `pk`, and its reverse relations unless forward only. */
function stepsOf(meta: ModelMeta, options: PathOptions): Step[] {
  const steps: Step[] = [{ name: 'pk', next: undefined }];
  for (const field of meta.fields) {
    // A relation to a model that is not defined (fields.E300, reported on its own) leads nowhere.
    const follows = (field instanceof ForeignKeyField || (!options.forwardOnly && field instanceof ManyToManyField)) && field.isResolved;
    steps.push({ name: field.name, next: follows ? (field as ForeignKeyField | ManyToManyField).target : undefined });
    if (field.attname !== field.name) steps.push({ name: field.attname, next: undefined });
  }
  if (!options.forwardOnly) {
    for (const relation of meta.reverseRelations) {
      if (!relation.hidden) steps.push({ name: relation.queryName, next: relation.relatedModel });
    }
  }
  return steps;
}

/**
 * `path` with each segment that names nothing on the model reached so far replaced by the
 * closest name there (a relation, where the path goes on); undefined when a segment has no
 * close name, when a segment after a plain field follows (a lookup, judged elsewhere), or when
 * nothing needed correcting.
 */
export function closestPath(meta: ModelMeta, path: string, options: PathOptions = {}): string | undefined {
  const segments = path.split('__');
  const corrected: string[] = [];
  let model: ModelMeta | undefined = meta;
  for (const [i, segment] of segments.entries()) {
    if (model === undefined) return undefined;
    const last = i === segments.length - 1;
    // Mid-path, only a relation will do: `autor__name` means `author`, not a field named `auto`.
    const steps: Step[] = stepsOf(model, options).filter((step) => last || step.next !== undefined);
    const step: Step | undefined = steps.find((s) => s.name === segment) ?? steps.find((s) => s.name === closestName(segment, steps.map((c) => c.name)));
    if (step === undefined) return undefined;
    corrected.push(step.name);
    model = step.next;
  }
  const suggestion = corrected.join('__');
  return suggestion === path ? undefined : suggestion;
}
