/**
 * sigs.k8s.io/yaml (v1.6) as Helm's toYaml and fromYaml use it. Marshal is json.Marshal, then
 * the JSON decoded by go-yaml v2 (which picks int, uint64 or float64 for each number) and
 * encoded by it (yaml-v2.ts). Unmarshal is go-yaml v2's decoding (YAML 1.1 scalars: `yes`,
 * `0755`, `1_000`; timestamps stay strings), then a JSON round trip: every number a float64,
 * non-string keys as text. The YAML parser is the `yaml` package reading every scalar as text,
 * so resolution is yaml.v2's; its syntax error texts are the package's, not yaml.v2's.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type Node, parseAllDocuments, Scalar } from 'yaml';
import { goFloat } from '../../go/fmt.js';
import { emptyMap, type PlainObject } from '../../util/plain-object.js';
import { fail } from './failure.js';
import { isNil, type ValueModel } from './value-model.js';
import { resolvesToString, YamlNumber, type YamlTree, yamlNumberFromJson, yamlV2Marshal } from './yaml-v2.js';

/** encoding/json's text for a float64 (fails on NaN and infinities with json.Marshal's error). */
function jsonNumberText(x: number): string {
  if (!Number.isFinite(x)) fail(`json: unsupported value: ${goFloat(x)}`);
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) return x.toExponential();
  return String(x);
}

/** A JS string as encoding/json writes it: lone surrogates become U+FFFD. */
const wellFormed = (s: string): string =>
  s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

/** Characters libyaml's reader refuses ("control characters are not allowed"). */
const YAML_FORBIDDEN = /[\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;

/**
 * A string after json.Marshal and yaml.v2's reading of it: lone surrogates become U+FFFD, and
 * U+0085 (NEL), which encoding/json leaves raw, is a line break inside YAML's double-quoted
 * scalar, so it folds: spaces before it go, one break is a space, n breaks are n-1 newlines.
 */
function yamlString(s: string): string {
  const t = wellFormed(s);
  if (YAML_FORBIDDEN.test(t)) fail('yaml: control characters are not allowed');
  if (!t.includes('\u0085')) return t;
  return t.replace(/ *\u0085[ \u0085]*/g, (run) => {
    const breaks = run.split('\u0085').length - 1;
    return breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
  });
}

/** What json.Marshal followed by yaml.v2's Unmarshal makes of a value. */
export function jsonRoundTrip(model: ValueModel, v: unknown): YamlTree {
  if (isNil(v) || model.isNilCollection?.(v)) return null;
  if (typeof v === 'string') return yamlString(v);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return yamlNumberFromJson(jsonNumberText(v));
  const int = model.intValue(v);
  if (int !== undefined) return new YamlNumber(int);
  const items = model.listItems(v);
  if (items !== undefined) return items.map((e) => jsonRoundTrip(model, e));
  const m = model.mapEntries(v);
  if (m !== undefined) {
    const out: { [key: string]: YamlTree } = Object.create(null);
    for (const k of Object.keys(m)) out[yamlString(k)] = jsonRoundTrip(model, m[k]);
    return out;
  }
  const text = model.opaqueText(v);
  return text === undefined ? null : yamlString(text);
}

/** sigs.k8s.io/yaml Marshal: the YAML text (ending in a newline); throws FunctionFailure. */
export function sigsYamlMarshal(model: ValueModel, v: unknown): string {
  let tree: YamlTree;
  try {
    tree = jsonRoundTrip(model, v);
  } catch (e) {
    const msg = (e as Error).message;
    return fail(msg.startsWith('yaml: ') ? msg : `error marshaling into JSON: ${msg}`);
  }
  return yamlV2Marshal(tree);
}

// ---------------------------------------------------------------------------------------------
// Unmarshal

class YamlToJsonError extends Error {}

/** yaml.v2's value of a plain scalar. */
function resolvePlain(s: string): unknown {
  if (resolvesToString(s)) return s;
  switch (s) {
    case 'y':
    case 'Y':
    case 'yes':
    case 'Yes':
    case 'YES':
    case 'true':
    case 'True':
    case 'TRUE':
    case 'on':
    case 'On':
    case 'ON':
      return true;
    case 'n':
    case 'N':
    case 'no':
    case 'No':
    case 'NO':
    case 'false':
    case 'False':
    case 'FALSE':
    case 'off':
    case 'Off':
    case 'OFF':
      return false;
    case '':
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case '<<':
      return s;
  }
  if (/^[-+]?\.(inf|Inf|INF)$/.test(s))
    return s.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (/^\.(nan|NaN|NAN)$/.test(s)) return Number.NaN;
  if (/^\d{4}-/.test(s)) return s; // a timestamp: decoded into interface{} as its text
  const plain = s.replaceAll('_', '');
  const int = goParseIntBase0(plain);
  if (int !== undefined) return Number(int);
  if (/^-?0b[01]+$/.test(plain)) return Number.parseInt(plain.replace('0b', ''), 2);
  return Number(plain);
}

function goParseIntBase0(s: string): bigint | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const body = m[2];
  const text = /^0[oO]/.test(body)
    ? `0o${body.slice(2)}`
    : /^0[0-7]+$/.test(body)
      ? `0o${body.slice(1)}`
      : body;
  const n = BigInt(text);
  return m[1] === '-' ? -n : n;
}

/** The text of a non-string map key as sigs.k8s.io/yaml writes it. */
function keyText(k: unknown): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'boolean') return String(k);
  if (typeof k === 'number') {
    if (Number.isInteger(k) && Math.abs(k) < 2 ** 63) return String(k);
    if (Number.isNaN(k)) return '.nan';
    if (!Number.isFinite(k)) return k > 0 ? '.inf' : '-.inf';
    return float32Text(k);
  }
  throw new YamlToJsonError(`unsupported map key of type: ${k === null ? '<nil>' : typeof k}`);
}

/** strconv.FormatFloat(x, 'g', -1, 32). */
function float32Text(x: number): string {
  const f = Math.fround(x);
  for (let p = 1; p <= 9; p++) {
    const s = Number(f.toPrecision(p));
    if (Math.fround(s) === f) return goFloat(s);
  }
  return goFloat(f);
}

/**
 * A block scalar that ends the text without a final line break: go-yaml v2 has no break to
 * keep, the `yaml` package adds one.
 */
function blockScalarText(node: Scalar, s: string, text: string): string {
  const block = node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED;
  const atEnd = node.range !== undefined && node.range !== null && node.range[1] >= text.length;
  return block && atEnd && !text.endsWith('\n') && s.endsWith('\n') ? s.slice(0, -1) : s;
}

function toJsonable(node: unknown, doc: Document, depth: number, text = ''): unknown {
  if (depth > 10_000) throw new YamlToJsonError('yaml: exceeded max depth');
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (target === undefined) throw new YamlToJsonError(`yaml: unknown anchor '${node.source}' referenced`);
    return toJsonable(target, doc, depth + 1, text);
  }
  if (isScalar(node)) {
    const s = blockScalarText(node, String(node.value ?? ''), text);
    if (node.tag === 'tag:yaml.org,2002:str' || node.tag === '!!str') return s;
    const v = node.type === Scalar.PLAIN ? resolvePlain(s) : s;
    if (typeof v === 'number' && !Number.isFinite(v)) {
      throw new YamlToJsonError(`json: unsupported value: ${goFloat(v)}`);
    }
    return v;
  }
  if (isSeq(node)) return node.items.map((i) => toJsonable(i, doc, depth + 1, text));
  if (isMap(node)) {
    const out = emptyMap();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = keyNode === null ? null : toJsonable(keyNode, doc, depth + 1, text);
      if (key === '<<' && isScalar(keyNode) && keyNode.type === Scalar.PLAIN) {
        mergeKey(out, toJsonable(pair.value, doc, depth + 1, text));
        continue;
      }
      const k = keyText(key);
      out[k] = toJsonable(pair.value, doc, depth + 1, text);
    }
    return out;
  }
  return null;
}

/** A YAML merge key (`<<: *base` or a list of them): entries not already set. */
function mergeKey(out: PlainObject, v: unknown): void {
  const sources = Array.isArray(v) ? v : [v];
  for (const src of sources) {
    if (src === null || typeof src !== 'object' || Array.isArray(src)) {
      throw new YamlToJsonError('yaml: map merge requires map or sequence of maps as the value');
    }
    for (const [k, val] of Object.entries(src)) if (!Object.hasOwn(out, k)) out[k] = val;
  }
}

/** YAML text to the JSON-like tree json.Unmarshal into interface{} would hold; throws on bad YAML. */
export function sigsYamlToJson(text: string): unknown {
  const docs = parseAllDocuments(text, { schema: 'failsafe', version: '1.1', uniqueKeys: false });
  const list = Array.isArray(docs) ? docs : [];
  const doc = list[0];
  if (doc === undefined) return null;
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line;
    throw new YamlToJsonError(
      `yaml: ${line !== undefined ? `line ${line}: ` : ''}${err.message.split('\n')[0]}`,
    );
  }
  return toJsonable(doc.contents, doc, 0, text);
}

const kindOfJson = (v: unknown) =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v;

/**
 * sigs.k8s.io/yaml Unmarshal into a map (`array: false`) or a list: the value, or the error
 * text (which Helm's fromYaml puts under "Error").
 */
export function sigsYamlUnmarshal(text: string, array: boolean): { value: unknown } | { error: string } {
  let tree: unknown;
  try {
    tree = sigsYamlToJson(text);
  } catch (e) {
    return { error: `error converting YAML to JSON: ${(e as Error).message}` };
  }
  // null replaces the decoder's interface{} holding the target, which stays an empty map or list.
  if (tree === null) return { value: array ? [] : emptyMap() };
  const ok = array ? Array.isArray(tree) : kindOfJson(tree) === 'object';
  if (!ok) {
    const target = array ? '[]interface {}' : 'map[string]interface {}';
    const kind = kindOfJson(tree) === 'boolean' ? 'bool' : kindOfJson(tree);
    return {
      error: `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go value of type ${target}`,
    };
  }
  return { value: tree };
}
