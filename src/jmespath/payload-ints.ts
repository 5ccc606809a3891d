/**
 * kyverno-json's arithmetic (add, subtract, multiply, divide, modulo, sum; pkg/jp/kyverno
 * arithmetic.go) takes a number only when it is a Go float64: JMESPath literals and computed
 * numbers are, but the integers of a payload (and of `$payload`) are int64 (JSON) or int (YAML),
 * and kyverno-json answers "invalid operand" for them. JavaScript numbers do not say where they
 * came from, so `scan` (kyverno-json's semantics) tells from the expression: an integer read
 * through a field path of the payload is refused. What the expression's shape cannot tell stays
 * permitted, as everywhere else in clustermint (src/jmespath/index.ts): a bare `@` (it may hold a
 * computed number), variables other than `$payload`, function results, literals.
 */
import type { compile } from '@jmespath-community/jmespath';

type AstNode = ReturnType<typeof compile>;

/** The functions that parse their operands with kyverno-json's parseArithemticOperand. */
export const ARITHMETIC = new Set(['add', 'subtract', 'multiply', 'divide', 'modulo', 'sum']);

/** What the operand parser refuses (neither a number nor a string): stands for a payload integer. */
export const PAYLOAD_INT: object = Object.freeze({ payloadInteger: true });

/**
 * Whether the integers `node` yields are the payload's. `at` says what `@` is: 'top' for the
 * value an expression starts from (the payload, or a value projected from it), true or false
 * for an element inside a projection.
 */
function fromPayload(node: AstNode, at: boolean | 'top'): boolean {
  switch (node.type) {
    case 'Field':
      return at !== false;
    case 'Current':
    case 'Identity':
      return at === true;
    case 'Index':
    case 'Slice':
      return at !== false;
    case 'Variable':
      return node.name === 'payload';
    case 'Subexpression':
    case 'IndexExpression':
    case 'Pipe':
      return fromPayload(node.right, fromPayload(node.left, at));
    case 'Projection':
    case 'FilterProjection':
    case 'ValueProjection':
      return fromPayload(node.right, fromPayload(node.left, at));
    case 'Flatten':
      return fromPayload(node.child, at);
    default:
      return false;
  }
}

const isPayloadInt = (v: unknown, sourced: boolean) =>
  sourced && typeof v === 'number' && Number.isInteger(v);

/**
 * The arguments of an arithmetic call as kyverno-json's operand parser sees them: payload
 * integers replaced by PAYLOAD_INT. For `sum`, the items of its list (all but a lone item, which
 * it returns without parsing it).
 */
export function markPayloadInts(name: string, nodes: readonly AstNode[], args: unknown[]): unknown[] {
  if (name !== 'sum') {
    let out: unknown[] | undefined;
    for (let i = 0; i < args.length; i++) {
      if (!isPayloadInt(args[i], fromPayload(nodes[i], 'top'))) continue;
      out ??= [...args];
      out[i] = PAYLOAD_INT;
    }
    return out ?? args;
  }
  const items = args[0];
  if (!Array.isArray(items) || items.length < 2 || nodes.length !== 1) return args;
  const node = nodes[0];
  const each =
    node.type === 'MultiSelectList' && node.children.length === items.length
      ? node.children.map((c) => fromPayload(c, 'top'))
      : undefined;
  const all = each ? false : fromPayload(node, 'top');
  let marked: unknown[] | undefined;
  for (let i = 0; i < items.length; i++) {
    if (!isPayloadInt(items[i], each ? each[i] : all)) continue;
    marked ??= [...items];
    marked[i] = PAYLOAD_INT;
  }
  return marked ? [marked, ...args.slice(1)] : args;
}
