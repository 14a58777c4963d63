/**
 * What a model's instances already answer to, so that a reverse accessor never takes over one
 * of them: `save()`, `delete()`, `pk`, `fullClean()`, a model's own methods, and Object's
 * (`toString`, `constructor`). Read from the prototype chain itself, not a list kept by hand,
 * so a method added to Model is covered the day it is written.
 */

/** The getters the registry installed as reverse accessors: members of its own, not the model's. */
const reverseAccessors = new WeakSet<object>();

export function markReverseAccessor(getter: object): void {
  reverseAccessors.add(getter);
}

export type MemberKind = 'method' | 'property';

/**
 * The kind of `name` on instances of the class whose prototype is `prototype` (up the whole
 * chain), leaving out reverse accessors; undefined when instances have no such member.
 */
export function instanceMember(prototype: object, name: string): MemberKind | undefined {
  for (let level: object | null = prototype; level !== null; level = Object.getPrototypeOf(level) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(level, name);
    if (descriptor === undefined || (descriptor.get !== undefined && reverseAccessors.has(descriptor.get))) continue;
    return typeof descriptor.value === 'function' ? 'method' : 'property';
  }
  return undefined;
}
