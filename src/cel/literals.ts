/**
 * cel-go v0.20.1's `HomogeneousAggregateLiterals` validator, run on the type-checked AST of
 * @marcbachmann/cel-js: every element of a list literal (every key, every value of a map
 * literal) must have a type equivalent to the first one's (`[1, dyn(2)]` is an error too),
 * except for literals anywhere inside a `format` call. The library's own option has no such
 * exemption, so it is turned off and this check runs instead.
 */

/** The library's type declarations (TypeDeclaration) as far as this check reads them. */
interface CelTypeDecl {
  readonly kind: string;
  readonly name: string;
  readonly keyType?: CelTypeDecl;
  readonly valueType?: CelTypeDecl;
}

/** A node of the library's AST after `check()`. */
interface CheckedNode {
  readonly op: string;
  readonly args: unknown;
  readonly pos?: number;
  readonly checkedType?: CelTypeDecl;
}

/** A literal whose elements do not share a type; `pos` is the offending element's offset. */
export interface LiteralTypeError {
  readonly message: string;
  readonly pos: number;
}

function isNode(x: unknown): x is CheckedNode {
  return x !== null && typeof x === 'object' && typeof (x as CheckedNode).op === 'string' && 'args' in x;
}

/** cel-go's Type.IsEquivalentType: same kind and name, parameters compared recursively. */
function equivalent(a: CelTypeDecl, b: CelTypeDecl): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'param':
      return true;
    case 'list':
    case 'optional':
      return equivalent(a.valueType!, b.valueType!);
    case 'map':
      return equivalent(a.keyType!, b.keyType!) && equivalent(a.valueType!, b.valueType!);
    case 'dyn':
      return true;
    default:
      return a.name === b.name;
  }
}

/** cel-go's FormatCELType. */
function typeText(t: CelTypeDecl): string {
  switch (t.kind) {
    case 'dyn':
      return 'dyn';
    case 'list':
      return `list(${typeText(t.valueType!)})`;
    case 'map':
      return `map(${typeText(t.keyType!)}, ${typeText(t.valueType!)})`;
    case 'optional':
      return `optional_type(${typeText(t.valueType!)})`;
    default:
      return t.name === 'null' ? 'null_type' : t.name;
  }
}

function mismatch(expected: CelTypeDecl, node: CheckedNode): LiteralTypeError {
  return {
    message: `expected type '${typeText(expected)}' but found '${typeText(node.checkedType!)}'`,
    pos: node.pos ?? 0,
  };
}

const typed = (x: unknown): x is CheckedNode => isNode(x) && x.checkedType !== undefined;

function checkList(elements: readonly unknown[]): LiteralTypeError | undefined {
  const first = elements.find(typed);
  if (!first) return undefined;
  for (const e of elements) {
    if (typed(e) && !equivalent(first.checkedType!, e.checkedType!)) return mismatch(first.checkedType!, e);
  }
  return undefined;
}

function checkMap(entries: ReadonlyArray<readonly [unknown, unknown]>): LiteralTypeError | undefined {
  const first = entries.find(([k, v]) => typed(k) && typed(v));
  if (!first) return undefined;
  const [k0, v0] = first as unknown as [CheckedNode, CheckedNode];
  for (const [k, v] of entries) {
    if (typed(k) && !equivalent(k0.checkedType!, k.checkedType!)) return mismatch(k0.checkedType!, k);
    if (typed(v) && !equivalent(v0.checkedType!, v.checkedType!)) return mismatch(v0.checkedType!, v);
  }
  return undefined;
}

/**
 * The first heterogeneous list or map literal of a checked expression, if any. Literals
 * anywhere inside a `format` call are exempt (cel-go's HomogeneousAggregateLiteralExemptFunctions).
 */
export function findHeterogeneousLiteral(root: unknown): LiteralTypeError | undefined {
  const seen = new Set<unknown>();
  let found: LiteralTypeError | undefined;

  const visitNode = (n: CheckedNode, exempt: boolean): void => {
    if (found || seen.has(n)) return;
    seen.add(n);
    const args = n.args;
    switch (n.op) {
      case 'value':
      case 'id':
        return;
      case 'list':
        if (!exempt) found = checkList(args as unknown[]);
        break;
      case 'map':
        if (!exempt) found = checkMap(args as Array<[unknown, unknown]>);
        break;
      case 'call':
      case 'rcall':
        if ((args as unknown[])[0] === 'format') exempt = true;
        break;
      default:
        break;
    }
    if (!found) visit(args, exempt);
  };

  const visit = (x: unknown, exempt: boolean): void => {
    if (found) return;
    if (isNode(x)) visitNode(x, exempt);
    else if (Array.isArray(x)) for (const e of x) visit(e, exempt);
    else if (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
      for (const e of Object.values(x)) visit(e, exempt);
    }
  };

  visit(root, false);
  return found;
}
