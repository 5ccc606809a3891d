/**
 * values.schema.json checks as Helm makes them (ValidateAgainstSchema): the chart's schema
 * against its coalesced values, then each subchart's against its section, errors worded as
 * santhosh-tekuri/jsonschema words them (`- at '/age': minimum: got -5, want 0`) under the
 * chart's name.
 */
import { isPlainObject, type PlainObject, setOwn } from '../../util/plain-object.js';
import { compileValuesSchema } from '../../validate/values-schema.js';
import { GoInt, GoSlice } from '../gotemplate/index.js';
import type { HelmChart } from './chart.js';

/** Go values -> JSON values (an int64 from --set is a number to the schema). */
export function toJsonValue(v: unknown): unknown {
  if (v instanceof GoInt) return Number(v.v);
  if (v instanceof GoSlice) return v.items.map(toJsonValue);
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (isPlainObject(v)) {
    // ordinary objects: ajv's helpers (uniqueItems' deep equal) call Object.prototype methods
    const out: PlainObject = {};
    for (const k of Object.keys(v)) setOwn(out, k, toJsonValue(v[k]));
    return out;
  }
  return v;
}

const quote = (s: unknown) => `'${String(s)}'`;

function jsonText(v: unknown): string {
  return typeof v === 'string' ? quote(v) : JSON.stringify(v);
}

function pointer(path: readonly (string | number)[]): string {
  return path.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

interface Problem {
  path: (string | number)[];
  keyword: string;
  message: string;
  params?: Record<string, unknown>;
  value?: unknown;
}

function describe(p: Problem): string {
  const params = p.params ?? {};
  switch (p.keyword) {
    case 'required':
      return `missing property ${quote(params.missingProperty)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${p.keyword}: got ${jsonText(p.value)}, want ${jsonText(params.limit)}`;
    case 'minLength':
    case 'maxLength':
      return `${p.keyword}: got ${String(p.value ?? '').length}, want ${String(params.limit)}`;
    case 'minItems':
    case 'maxItems':
      return `${p.keyword}: got ${Array.isArray(p.value) ? p.value.length : 0}, want ${String(params.limit)}`;
    case 'type':
      return `got ${jsonType(p.value)}, want ${String(params.type).replaceAll(',', ' or ')}`;
    case 'enum':
      return `value must be one of ${((params.allowedValues as unknown[]) ?? []).map(jsonText).join(', ')}`;
    case 'const':
      return `value must be ${jsonText(params.allowedValue)}`;
    case 'pattern':
      return `${jsonText(p.value)} does not match pattern ${quote(params.pattern)}`;
    case 'additionalProperties':
      return `additional properties ${quote(params.additionalProperty)} not allowed`;
    default:
      return p.message;
  }
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'number' : 'number';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'boolean' : typeof v;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let cur = data;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[String(p)];
  }
  return cur;
}

/** values.schema.json bytes -> the parsed schema (compiled validators are cached by object). */
const parsedSchemas = new WeakMap<Uint8Array, unknown>();

function parseSchema(bytes: Uint8Array): unknown {
  if (parsedSchemas.has(bytes)) return parsedSchemas.get(bytes);
  const schema: unknown = JSON.parse(new TextDecoder().decode(bytes));
  parsedSchemas.set(bytes, schema);
  return schema;
}

/** One chart's schema against its values: Helm's lines, or '' when they pass. */
function validateOne(chart: HelmChart, values: PlainObject): string {
  if (!chart.schema) return '';
  const file = `${chart.metadata.name}/values.schema.json`;
  let schema: unknown;
  try {
    schema = parseSchema(chart.schema);
  } catch (e) {
    return `${chart.metadata.name}:\n${(e as Error).message}\n`;
  }
  if (schema === true || (isPlainObject(schema) && Object.keys(schema).length === 0)) return '';
  if (!isPlainObject(schema)) return '';
  const data = toJsonValue(values);
  const validate = compileValuesSchema(schema as object, file);
  if (validate(data)) return '';
  const lines: string[] = [];
  for (const e of validate.errors ?? []) {
    if (e.keyword === 'if') continue;
    const path = e.instancePath
      .split('/')
      .slice(1)
      .map((x) => x.replaceAll('~1', '/').replaceAll('~0', '~'));
    const line = `- at '${pointer(path)}': ${describe({ path, keyword: e.keyword, message: e.message ?? e.keyword, params: e.params as Record<string, unknown>, value: valueAt(data, path) })}`;
    if (!lines.includes(line)) lines.push(line);
  }
  return `${chart.metadata.name}:\n${lines.join('\n')}\n`;
}

/** ValidateAgainstSchema over the chart tree; '' when every schema passes. */
export function validateAgainstSchemas(chart: HelmChart, values: PlainObject, subchartsOnly = false): string {
  let out = subchartsOnly ? '' : validateOne(chart, values);
  for (const sub of chart.dependencies) {
    const raw = values[sub.metadata.name];
    if (raw === undefined || raw === null) continue;
    if (!isPlainObject(raw)) {
      out += `${sub.metadata.name}:\ninvalid type for values: expected object (map), got ${typeof raw}\n`;
      continue;
    }
    out += validateAgainstSchemas(sub, raw);
  }
  return out;
}
