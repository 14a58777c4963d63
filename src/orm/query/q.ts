/**
 * Q objects combine filter conditions with and / or / not, as in Django:
 * `Q({ status: 'draft' }).or({ author__email__endswith: '@example.com' }).not()`.
 */
export type FilterDict = Readonly<Record<string, unknown>>;
export type QChild = Q | FilterDict;

export class Q {
  protected constructor(
    readonly connector: 'and' | 'or',
    readonly children: readonly QChild[],
    readonly negated: boolean,
  ) {}

  static of(conditions: QChild = {}): Q {
    return conditions instanceof Q ? conditions : new Q('and', [conditions], false);
  }

  and(...others: QChild[]): Q {
    return new Q('and', [this, ...others], false);
  }

  or(...others: QChild[]): Q {
    return new Q('or', [this, ...others], false);
  }

  not(): Q {
    return new Q(this.connector, this.children, !this.negated);
  }
}

/** `Q({...})` builds a condition; chain `.and()`, `.or()` and `.not()` on it. */
function makeQ(conditions: QChild = {}): Q {
  return Q.of(conditions);
}
makeQ.prototype = Q.prototype;

type QFactory = ((conditions?: QChild) => Q) & { readonly prototype: Q };
/** Callable without `new`, and `x instanceof Q` still holds. */
export const QFunction = makeQ as unknown as QFactory;
