/** ajv errors -> one plain sentence per problem, with the JSON path of the offending value. */
import type { ErrorObject } from 'ajv';
import { type PathSegment, pointerToSegments } from '../util/json-path.js';

export interface SchemaProblem {
  path: PathSegment[];
  keyword: string;
  message: string;
}

/**
 * @param data the validated value, to quote the offending value (read from the instance path:
 *   ajv's `verbose` mode would do it, at the cost of much larger validators).
 */
export function describeSchemaErrors(
  errors: readonly ErrorObject[] | null | undefined,
  data?: unknown,
): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    const base = pointerToSegments(e.instancePath);
    let path = base;
    let message: string;
    const p = e.params as Record<string, any>;
    switch (e.keyword) {
      case 'required':
        path = [...base, p.missingProperty];
        message = 'is required';
        break;
      case 'additionalProperties':
        path = [...base, p.additionalProperty];
        message = 'is not allowed here (unknown key)';
        break;
      case 'unevaluatedProperties':
        path = [...base, p.unevaluatedProperty];
        message = 'is not allowed here (unknown key)';
        break;
      case 'enum':
        message = `must be one of ${p.allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')}`;
        break;
      case 'const':
        message = `must be ${JSON.stringify(p.allowedValue)}`;
        break;
      case 'type':
        message = `must be ${Array.isArray(p.type) ? p.type.join(' or ') : p.type}, got ${typeName(valueAt(data, base))}`;
        break;
      case 'pattern':
        message = `must match the pattern ${JSON.stringify(p.pattern)}, got ${JSON.stringify(valueAt(data, base))}`;
        break;
      case 'minLength':
        message = p.limit === 1 ? 'must not be empty' : `must be at least ${p.limit} characters long`;
        break;
      case 'maxLength':
        message = `must be at most ${p.limit} characters long`;
        break;
      case 'format': {
        // integer widths: say the range the field holds (the API server's own bound)
        const range = INTEGER_RANGES[p.format as string];
        message = range
          ? `must be a whole number from ${range} (${p.format}), got ${JSON.stringify(valueAt(data, base))}`
          : (e.message ?? e.keyword);
        break;
      }
      case 'if':
        continue; // the failing branch reports the real problem
      default:
        message = e.message ?? e.keyword;
    }
    const key = `${JSON.stringify(path)} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, keyword: e.keyword, message });
  }
  return out;
}

/** The ranges of the integer formats ajv-formats checks (int64 holds every exact JSON integer). */
const INTEGER_RANGES: Record<string, string> = {
  int32: '-2147483648 to 2147483647',
  int64: '-9223372036854775808 to 9223372036854775807',
};

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? `integer ${v}` : `number ${v}`;
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return typeof v;
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}
