/**
 * `Exists(Comment.objects.filter({ post: OuterRef('pk') }))`: a condition that holds when the
 * inner query has a row for the outer one. It is a Q, so it goes in filter(), exclude() and Q
 * combinations, and `.not()` turns it round.
 */
import { QueryUsageError } from '../errors.ts';
import type { ModelMeta } from '../meta.ts';
import { Q } from './q.ts';

/** What Exists() reads of a queryset. */
export interface ExistsSource {
  readonly meta: ModelMeta;
  readonly state: { readonly where: unknown; readonly limit: number | undefined; readonly offset: number | undefined; readonly union?: unknown; readonly grouped?: boolean };
}

export class Exists extends Q {
  private constructor(readonly queryset: ExistsSource, negated: boolean) {
    super('and', [], negated);
  }

  static from(queryset: ExistsSource): Exists {
    if (queryset.state.limit !== undefined || queryset.state.offset !== undefined) throw new QueryUsageError('Exists() takes a queryset that is not sliced.');
    if (queryset.state.union !== undefined) throw new QueryUsageError('Exists() takes a queryset that is not a union: Exists() of each part, joined with or().');
    if (queryset.state.grouped) throw new QueryUsageError('Exists() takes a queryset that is not grouped (values().annotate()): test the groups with a filter on the rows instead.');
    return new Exists(queryset, false);
  }

  override not(): Q {
    return new Exists(this.queryset, !this.negated);
  }
}

/** `Exists(queryset)`, callable without `new`. */
export function ExistsOf(queryset: ExistsSource): Exists {
  return Exists.from(queryset);
}
