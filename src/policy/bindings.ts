/**
 * Variables in scope while a policy rule is evaluated (`$payload`, `$policy`, `$rule`, context
 * entries, `->name` bindings, foreach names): an immutable chain, so a binding made inside a
 * tree never leaks to its siblings' parents. A value may be lazy (context entries are
 * evaluated on first use, once).
 */

export class BindingError extends Error {}

type Entry = { name: string; value: unknown; thunk?: () => unknown; done: boolean };

export class Bindings {
  private constructor(
    private readonly entry: Entry | undefined,
    private readonly parent: Bindings | undefined,
  ) {}

  static readonly empty = new Bindings(undefined, undefined);

  /** A new scope with `name` bound to `value` (names are stored without the `$`). */
  with(name: string, value: unknown): Bindings {
    return new Bindings({ name, value, done: true }, this);
  }

  /** A new scope with `name` bound to a value computed on first use, at most once. */
  withLazy(name: string, thunk: () => unknown): Bindings {
    return new Bindings({ name, value: undefined, thunk, done: false }, this);
  }

  has(name: string): boolean {
    for (let b: Bindings | undefined = this; b; b = b.parent) if (b.entry?.name === name) return true;
    return false;
  }

  /** The value of `$name`; throws `variable not defined: $name` like go-jmespath. */
  get(name: string): unknown {
    for (let b: Bindings | undefined = this; b; b = b.parent) {
      const e = b.entry;
      if (e?.name === name) {
        if (!e.done) {
          e.value = e.thunk!();
          e.done = true;
          e.thunk = undefined;
        }
        return e.value;
      }
    }
    throw new BindingError(`variable not defined: $${name}`);
  }

  /** Every visible name, innermost first (shadowed names appear once). */
  names(): string[] {
    const seen = new Set<string>();
    for (let b: Bindings | undefined = this; b; b = b.parent)
      if (b.entry && !seen.has(b.entry.name)) seen.add(b.entry.name);
    return [...seen];
  }
}
