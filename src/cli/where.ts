/**
 * `--where field=value` arguments as a filter: `status=draft`, `author__name__icontains=ann`,
 * `id__in=1,2,3`, `deletedAt__isnull=true`. Text becomes the field's type (numbers, booleans);
 * anything the ORM refuses is refused before any SQL, as in code.
 */
import { LOOKUPS, type Field, type ModelMeta } from '../orm/index.ts';
import { UsageError } from './command.ts';

/** The field a lookup path ends on (following relations), and its lookup. */
function target(meta: ModelMeta, key: string): { field: Field | undefined; lookup: string } {
  const parts = key.split('__');
  const lookup = parts.length > 1 && LOOKUPS.has(parts[parts.length - 1]!) ? parts.pop()! : 'exact';
  let current: ModelMeta | undefined = meta;
  let field: Field | undefined;
  for (const part of parts) {
    if (current === undefined) return { field: undefined, lookup };
    field = part === 'pk' ? current.pk : current.field(part);
    const next: ModelMeta | undefined = (field as { target?: ModelMeta } | undefined)?.target ?? current.reverseRelation(part)?.relatedModel;
    current = next;
  }
  return { field, lookup };
}

function typed(field: Field | undefined, text: string): unknown {
  const kind = field?.kind;
  if (kind === 'boolean') {
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
  }
  if (kind === 'float' && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  if ((field?.nullable ?? false) && text === 'null') return null;
  return text;
}

export function parseWhere(meta: ModelMeta, items: readonly string[]): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--where takes field=value, not '${item}'.`);
    const key = item.slice(0, eq);
    const text = item.slice(eq + 1);
    const { field, lookup } = target(meta, key);
    if (lookup === 'isnull') {
      if (text !== 'true' && text !== 'false') throw new UsageError(`${key} takes true or false, not '${text}'.`);
      filter[key] = text === 'true';
    } else if (lookup === 'in' || lookup === 'range') {
      filter[key] = text.split(',').map((part) => typed(field, part.trim()));
    } else {
      filter[key] = typed(field, text);
    }
  }
  return filter;
}
