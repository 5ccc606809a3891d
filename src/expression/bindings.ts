/**
 * Variables in scope while a policy rule is evaluated (`$payload`, `$policy`, `$rule`, context
 * entries, `->name` bindings, foreach names): an immutable chain, so a binding made inside a
 * tree never leaks to its siblings' parents. A value may be lazy (context entries are
 * evaluated on first use, once).
 */

export class BindingError extends Error {}

export class Bindings {
  // One object per binding (name, value, parent), fields assigned in the constructor: a scan
  // makes several per rule and resource.
  declare private readonly name: string | undefined;
  declare private value: unknown;
  declare private thunk: (() => unknown) | undefined;
  declare private readonly parent: Bindings | undefined;

  private constructor(
    name: string | undefined,
    value: unknown,
    thunk: (() => unknown) | undefined,
    parent: Bindings | undefined,
  ) {
    this.name = name;
    this.value = value;
    this.thunk = thunk;
    this.parent = parent;
  }

  static readonly empty = new Bindings(undefined, undefined, undefined, undefined);

  /** A new scope with `name` bound to `value` (names are stored without the `$`). */
  with(name: string, value: unknown): Bindings {
    return new Bindings(name, value, undefined, this);
  }

  /** A new scope with `name` bound to a value computed on first use, at most once. */
  withLazy(name: string, thunk: () => unknown): Bindings {
    return new Bindings(name, undefined, thunk, this);
  }

  has(name: string): boolean {
    for (let b: Bindings | undefined = this; b; b = b.parent) if (b.name === name) return true;
    return false;
  }

  /** The value of `$name`; throws `variable not defined: $name` like go-jmespath. */
  get(name: string): unknown {
    for (let b: Bindings | undefined = this; b; b = b.parent) {
      if (b.name === name) {
        const thunk = b.thunk;
        if (thunk !== undefined) {
          b.value = thunk();
          b.thunk = undefined;
        }
        return b.value;
      }
    }
    throw new BindingError(`variable not defined: $${name}`);
  }

  /** Every visible name, innermost first (shadowed names appear once). */
  names(): string[] {
    const seen = new Set<string>();
    for (let b: Bindings | undefined = this; b; b = b.parent)
      if (b.name !== undefined && !seen.has(b.name)) seen.add(b.name);
    return [...seen];
  }
}
