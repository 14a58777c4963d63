/**
 * "Did you mean …?" for the system checks: the name a typo most likely meant, and for a path
 * (`author__nmae`) the path with only the failing segment corrected (`author__name`), each
 * segment judged against the names of the model the path has reached by then.
 */
import { ForeignKeyField, ManyToManyField } from './fields/relations.ts';
import type { ModelMeta } from './meta.ts';

/** The name in `candidates` a typo most likely meant: at most a third of its letters off (two for short names). */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= Math.max(2, Math.ceil(name.length / 3)) && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** Letters added, removed, changed or swapped with the next one (`titel` is one swap from `title`). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
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
