/**
 * The changelist's search (`q`, Django's search_fields): every word must match one of the
 * search fields. A search is bounded in words and characters: each word is one condition per
 * search field, a field across a relation is a subquery, and SQLite runs a statement to its end
 * while nothing else in the process moves. 900 words took 7.9 s of a server's time; 1,000 were
 * "Expression tree is too large". A search past its bounds matches nothing, and the page says why.
 */
import { Q, type QuerySet } from '../orm/index.ts';
import type { ModelAdmin } from './options.ts';

export function searchTerms(query: string): string[] {
  const trimmed = query.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}

/** Why this search is not run, or undefined when it is fine. */
export function searchProblem(admin: ModelAdmin, query: string): string | undefined {
  const trimmed = query.trim();
  const words = searchTerms(trimmed).length;
  if (words > admin.searchMaxTerms) return `A search may have at most ${admin.searchMaxTerms} words; this one has ${words.toLocaleString('en')}. Nothing was searched.`;
  const length = [...trimmed].length;
  if (length > admin.searchMaxLength) {
    return `A search may be at most ${admin.searchMaxLength} characters long; this one has ${length.toLocaleString('en')}. Nothing was searched.`;
  }
  // PostgreSQL refuses a NUL in text outright; no stored text holds one.
  if (trimmed.includes('\u0000')) return 'A search may not contain null characters. Nothing was searched.';
  return undefined;
}

/** The lookup a search field stands for: `^name` istartswith, `=name` iexact, else icontains. */
function lookupOf(name: string): string {
  if (name.startsWith('^')) return `${name.slice(1)}__istartswith`;
  if (name.startsWith('=')) return `${name.slice(1)}__iexact`;
  return `${name}__icontains`;
}

/** `qs` narrowed by the search `query`: every word must match one of the search fields; nothing, past the bounds. */
export function applySearch(qs: QuerySet<any>, admin: ModelAdmin, query: string): QuerySet<any> {
  const fields = admin.options.searchFields ?? [];
  const terms = searchTerms(query);
  if (fields.length === 0 || terms.length === 0) return qs;
  if (searchProblem(admin, query) !== undefined) return qs.none();
  const lookups = fields.map(lookupOf);
  for (const word of terms) {
    const [first, ...rest] = lookups.map((lookup) => Q({ [lookup]: word }));
    qs = qs.filter(rest.length === 0 ? first! : first!.or(...rest));
  }
  return qs;
}
