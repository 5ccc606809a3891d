/**
 * sigs.k8s.io/yaml (v1.6) as Helm's toYaml and fromYaml use it. Marshal is json.Marshal, then
 * the JSON decoded by go-yaml v2 (which picks int, uint64 or float64 for each number) and
 * encoded by it (yaml-v2.ts). Unmarshal is go-yaml v2's decoding then a JSON round trip, done by
 * the code base's one go-yaml v2 reader (render/topology/rendered-yaml.ts).
 */
import { goFloat } from '../../go/fmt.js';
import { emptyMap } from '../../util/plain-object.js';
import { chargeNode, chargeTree, WorkBudgetSpent } from '../../util/work-budget.js';
import { unmarshalGoYaml } from '../topology/rendered-yaml.js';
import { fail } from './failure.js';
import { isNil, type ValueModel } from './value-model.js';
import { YamlNumber, type YamlTree, yamlNumberFromJson, yamlV2Marshal } from './yaml-v2.js';

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
  chargeNode();
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
  // the round trip copies the value as printed in full: count a value that nests one map many times first
  chargeTree(v, (x) => {
    const items = model.listItems(x);
    if (items !== undefined) return items;
    const m = model.mapEntries(x);
    return m === undefined ? undefined : Object.values(m);
  });
  try {
    tree = jsonRoundTrip(model, v);
  } catch (e) {
    if (e instanceof WorkBudgetSpent) throw e;
    const msg = (e as Error).message;
    return fail(msg.startsWith('yaml: ') ? msg : `error marshaling into JSON: ${msg}`);
  }
  return yamlV2Marshal(tree);
}

// ---------------------------------------------------------------------------------------------
// Unmarshal

/**
 * YAML text to the JSON-like tree json.Unmarshal into interface{} would hold; throws on bad YAML.
 * The one go-yaml v2 reader of the code base (render/topology/rendered-yaml.ts) does the reading.
 */
export function sigsYamlToJson(text: string): unknown {
  return unmarshalGoYaml(text);
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
