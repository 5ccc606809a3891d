/**
 * The `fieldPath` of an x-kubernetes-validations rule (`.a.b`, `['a.b']`), resolved against
 * the schema with Kubernetes' wording for a path that does not parse or does not exist.
 */
import { additionalSchema, type JSONSchemaProps, own } from './schema.js';

export function parseFieldPath(path: string, s: JSONSchemaProps): { names: string[] } | { error: string } {
  const names: string[] = [];
  let cur: JSONSchemaProps | undefined = s;
  let i = 0;
  const step = (name: string): string | undefined => {
    if (cur === undefined) return 'does not refer to a valid field';
    const next: JSONSchemaProps | undefined = own(cur.properties, name) ?? additionalSchema(cur);
    if (next === undefined) return 'does not refer to a valid field';
    names.push(name);
    cur = next;
    return undefined;
  };
  if (path.length === 0) return { error: 'unexpected end of JSON path' };
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      i++;
      if (i >= path.length) return { error: 'unexpected end of JSON path' };
      let j = i;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      const err = step(path.slice(i, j));
      if (err) return { error: err };
      i = j;
    } else if (c === '[') {
      i++;
      if (path[i] !== "'") return { error: `expected single quoted string but got ${path[i] ?? 'EOF'}` };
      i++;
      let name = '';
      while (i < path.length && path[i] !== "'") {
        if (path[i] === '\\' && i + 1 < path.length) i++;
        name += path[i++];
      }
      if (path[i] !== "'" || path[i + 1] !== ']') return { error: 'unexpected end of JSON path' };
      i += 2;
      const err = step(name);
      if (err) return { error: err };
    } else {
      return { error: `expected [ or . but got: ${path.slice(i)}` };
    }
  }
  return { names };
}
