/**
 * The output of a `valueFrom.template` (or `enabledIf`) read as Cluster API reads it:
 * sigs.k8s.io/yaml's Unmarshal into a JSON value, that is go-yaml v2 (YAML 1.1) and then
 * `encoding/json`. The `yaml` package parses the structure (with its failsafe schema: every scalar
 * a string, tags kept); what the scalars mean is go-yaml v2's `resolve`, restated here:
 *
 * - **Plain scalars** by their first character: `y`, `yes`, `on`, `true` ... and their `n`/`no`/
 *   `off`/`false` twins are booleans, `~`/`null`/empty null, `.inf`/`.nan` special floats (which
 *   JSON cannot hold: an error), `<<` a merge key; starting with a digit or sign: Go's
 *   `strconv.ParseInt(s, 0, 64)` after removing every `_` (so `0755` and `0o17` are octal, `0x1F`,
 *   `0b1010`, `1_000` numbers), then `ParseUint`, then a float only in YAML's style (`1e3`, `.5`,
 *   not `0x1p3`) and only when it does not overflow (`1e400` stays text); anything else is text
 *   (timestamps too, and sexagesimal `1:20`, which go-yaml v2 does not read).
 * - **Quoted and block scalars** are text, unless tagged. An explicit tag (`!!int "7"`,
 *   `!!str 5`) resolves the text as that type or fails (`cannot decode !!str `x` as a !!null`);
 *   `!!float` takes an integer; `!!binary` is base64 decoded; unknown tags leave the text.
 * - **Collections**: tags are ignored (`!!set {a, b}` is a map of nulls, `!!omap [a: 1]` a list of
 *   maps); `<<` merges a map or a list of maps (earlier ones win) into the map at that point; keys
 *   become JSON strings as sigs.k8s.io/yaml writes them (`1.5`, `true`; a null, list or map key is
 *   an error).
 * - **One document.** Unmarshal decodes the first document and stops (what follows a `---` is not
 *   read). After a complete top-level node that can end mid-line (a flow collection, a quoted
 *   scalar), whatever follows is the start of a next, implicit document that is never parsed,
 *   provided its first token scans: `[one]-<no value>` reads as `["one"]`; a tab at the start of
 *   the next line or an unclosed quote there is an error.
 * - A block scalar that ends the text without a line break has none (`|\n  x` is `x`).
 */

import jsyaml from 'js-yaml';
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  parseDocument,
  type Scalar,
} from 'yaml';
import {
  BINARY,
  FLOAT,
  INT,
  MERGE,
  NULL,
  RESOLVABLE,
  type Resolved,
  resolvePlainV2 as resolveUntagged,
  STR,
  shortTag,
} from '../../go/yaml-scalars.js';
import { BoundedCache } from '../../util/bounded-cache.js';
import { LIMITS } from '../../util/limits.js';
import { cloneTree, emptyMap, type PlainObject, setOwn } from '../../util/plain-object.js';

// YAML 1.1 words that are not strings (go-yaml v2): a plain word outside this set is a string.
const YAML11_WORDS =
  /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;
const PLAIN_WORD = /^[A-Za-z_][A-Za-z0-9._/+@-]*$/;
const parsedOutputs = new BoundedCache<string, unknown>(2000);

const goJson = (v: unknown): string => JSON.stringify(v) ?? 'null';

class RenderedYamlError extends Error {}
const fail = (message: string): never => {
  throw new RenderedYamlError(message);
};

/** go-yaml v2's `resolve(tag, in)`: a scalar's tag and value, or its error. */
function resolve(tag: string, text: string): Resolved {
  if (!RESOLVABLE.has(tag)) return { tag, value: text };
  const out = resolveUntagged(tag, text);
  if (tag === '' || tag === out.tag || tag === STR || tag === BINARY) return out;
  if (tag === FLOAT && out.tag === INT && out.goType === 'int')
    return { tag: FLOAT, value: out.value, goType: 'float64' };
  return fail(`yaml: cannot decode ${shortTag(out.tag)} \`${text}\` as a ${shortTag(tag)}`);
}

/** A map key as sigs.k8s.io/yaml writes it into JSON (an int as Itoa, a float as FormatFloat 'g' 32). */
function jsonKey(key: Resolved): string {
  const v = key.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' && key.goType === 'int') return String(v);
  if (typeof v === 'number' && key.goType === 'float64') {
    if (Number.isNaN(v)) return '.nan';
    if (v === Number.POSITIVE_INFINITY) return '.inf';
    if (v === Number.NEGATIVE_INFINITY) return '-.inf';
    return formatFloat32(v);
  }
  const type = v === null ? '<nil>' : (key.goType ?? 'interface {}');
  return fail(`error converting YAML to JSON: unsupported map key of type: ${type}`);
}

/**
 * What sigs.k8s.io/yaml makes of a scalar whose target field is a Go string: numbers and bools
 * become text (`true`, `42`, a float as float32 `%g`: `appVersion: 1.20` is "1.2"); strings stay;
 * anything else is returned unchanged (and fails the type check after).
 */
export function scalarForStringField(v: unknown): unknown {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' && Number.isFinite(v)) {
    return Number.isSafeInteger(v) ? String(v) : formatFloat32(v);
  }
  return v;
}

/** strconv.FormatFloat(f, 'g', -1, 32): the shortest decimal that reads back as the same float32. */
function formatFloat32(f: number): string {
  const f32 = Math.fround(f);
  for (let p = 1; p <= 9; p++) {
    const s = f32.toPrecision(p);
    if (Math.fround(Number(s)) === f32) {
      // Go's %g: exponent when it is < -4 or >= the precision, as e+XX / e-XX
      const [mant, exp] = Number(s)
        .toExponential(p - 1)
        .split('e');
      const e = Number(exp);
      if (e < -4 || e >= p) {
        const m = mant.includes('.') ? mant.replace(/\.?0+$/, '') : mant;
        return `${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
      }
      return String(Number(s));
    }
  }
  return String(f32);
}

/**
 * The document's first root as Go's JSON value, within the node and text limits after alias
 * expansion (go-yaml's words for either: aliases to long strings stay under the node limit).
 */
class Converter {
  private nodes = 0;
  private chars = 0;
  private readonly anchors = new Map<Alias, Node | undefined>();
  constructor(
    private readonly doc: Document,
    private readonly text: string,
  ) {}

  value(node: Node | Alias | null | undefined): unknown {
    if (++this.nodes > LIMITS.maxNodes) fail('yaml: document contains excessive aliasing');
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = this.resolveAlias(node);
      if (!target) return fail(`yaml: unknown anchor '${node.source}' referenced`);
      return this.value(target as Node);
    }
    if (isScalar(node)) {
      const v = this.scalar(node);
      if (typeof v === 'string') this.countText(v);
      return v;
    }
    if (isSeq(node)) return node.items.map((i) => this.value(i as Node));
    if (isMap(node)) {
      const out: PlainObject = emptyMap();
      for (const pair of node.items) {
        const k = pair.key as Node | null;
        if (isScalar(k) && this.isMerge(k)) {
          this.merge(pair.value as Node, out);
          continue;
        }
        const key = this.key(k);
        this.countText(key);
        setOwn(out, key, this.value(pair.value as Node));
      }
      return out;
    }
    return fail('yaml: unexpected node');
  }

  /** The anchored node, found once per alias (`Alias.resolve` searches the whole document). */
  private resolveAlias(a: Alias): Node | undefined {
    if (this.anchors.has(a)) return this.anchors.get(a);
    const target = a.resolve(this.doc) as Node | undefined;
    this.anchors.set(a, target);
    return target;
  }

  private countText(s: string): void {
    this.chars += s.length;
    if (this.chars > LIMITS.maxExpandedChars) fail('yaml: document contains excessive aliasing');
  }

  /** A key: a scalar (through an alias too); a list or map is go-yaml's `invalid map key`. */
  private key(k: Node | Alias | null): string {
    const node = isAlias(k) ? this.resolveAlias(k) : k;
    if (node === null || node === undefined) return jsonKey({ tag: NULL, value: null });
    if (!isScalar(node)) return fail(`yaml: invalid map key: ${goJson(this.value(k))}`);
    return jsonKey(this.resolveScalar(node));
  }

  private isMerge(k: Scalar): boolean {
    const tag = k.tag ?? '';
    return k.value === '<<' && ((k.type === 'PLAIN' && tag === '') || tag === MERGE);
  }

  /** `<<`: a map, or a list of maps of which earlier ones win. */
  private merge(node: Node | Alias, into: PlainObject): void {
    const target = isAlias(node) ? this.resolveAlias(node) : node;
    const wantMap = () => fail('yaml: map merge requires map or sequence of maps as the value');
    const assign = (from: PlainObject) => {
      for (const k of Object.keys(from)) setOwn(into, k, from[k]);
    };
    if (isMap(target)) {
      assign(this.value(node) as PlainObject);
      return;
    }
    if (!isSeq(target)) {
      wantMap();
      return;
    }
    for (let i = target.items.length - 1; i >= 0; i--) {
      const item = target.items[i] as Node;
      const m = isAlias(item) ? this.resolveAlias(item) : item;
      if (!isMap(m)) wantMap();
      assign(this.value(item) as PlainObject);
    }
  }

  /** A scalar's text as go-yaml has it, resolved: plain ones by their text, others only when tagged. */
  private resolveScalar(node: Scalar): Resolved {
    let text = String(node.value ?? '');
    const tag = node.tag ?? '';
    const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
    // a block scalar that runs to the end of a text without a final line break has none
    if (block && text.endsWith('\n') && node.range?.[1] === this.text.length && !/[\r\n]$/.test(this.text))
      text = text.slice(0, -1);
    if (tag === '' && node.type !== 'PLAIN') return { tag: STR, value: text };
    if (tag === BINARY) {
      const data = text.replace(/[\r\n]/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0)
        return fail('yaml: !!binary value contains invalid base64 data');
      return { tag: STR, value: Buffer.from(data, 'base64').toString('utf8') };
    }
    return resolve(tag, text);
  }

  private scalar(node: Scalar): unknown {
    const r = this.resolveScalar(node);
    if (typeof r.value === 'number' && !Number.isFinite(r.value))
      return fail(
        `error converting YAML to JSON: json: unsupported value: ${Number.isNaN(r.value) ? 'NaN' : r.value > 0 ? '+Inf' : '-Inf'}`,
      );
    return r.value;
  }
}

/**
 * Whether go-yaml's scanner reads the first token of `rest` (the text after the first document's
 * root node): spaces, comments and line breaks are skipped, and a tab only before the first line
 * break (after one it cannot start a token); a quoted scalar must be closed.
 */
function nextTokenScans(rest: string): boolean {
  let i = 0;
  let newLine = false;
  while (i < rest.length) {
    const c = rest[i];
    if (c === ' ') i++;
    else if (c === '\t') {
      if (newLine) return false;
      i++;
    } else if (c === '\n' || c === '\r') {
      newLine = true;
      i++;
    } else if (c === '#') {
      while (i < rest.length && rest[i] !== '\n') i++;
    } else break;
  }
  const quote = rest[i];
  if (quote === "'") return /^'(?:[^']|'')*'/.test(rest.slice(i));
  if (quote === '"') return /^"(?:[^"\\]|\\[\s\S])*"/.test(rest.slice(i));
  return true;
}

const OPTIONS = { version: '1.1', schema: 'failsafe', uniqueKeys: false } as const;

function parseFirstDocument(out: string): unknown {
  const doc = parseDocument(out, OPTIONS);
  const [error] = doc.errors;
  if (error && error.code === 'MULTIPLE_DOCS') {
    // an explicit `---` starts the next document: go-yaml never reads it
    return parseFirstDocument(out.slice(0, error.pos[0]));
  }
  if (error) {
    // go-yaml stops after the first document: content past a complete root node is a next one
    const end = doc.contents?.range[1];
    if (
      error.code === 'UNEXPECTED_TOKEN' &&
      error.message.includes('at node end') &&
      end !== undefined &&
      end <= error.pos[0] &&
      nextTokenScans(out.slice(end))
    )
      return parseFirstDocument(out.slice(0, end));
    return fail(error.message.split('\n')[0]);
  }
  return new Converter(doc, out).value(doc.contents as Node | null);
}

/**
 * sigs.k8s.io/yaml's Unmarshal of `text` into a JSON value (first document only), uncached;
 * throws an Error whose message is the YAML error (go-yaml's wording where it matches).
 */
export function unmarshalGoYaml(text: string): unknown {
  const fast = fastUnmarshal(text);
  if (fast !== undefined) return fast;
  try {
    return parseFirstDocument(text);
  } catch (e) {
    const message = (e as Error).message;
    // the reader recurses per level: a document nested thousands deep ends its stack
    if (e instanceof RangeError || /Maximum call stack/.test(message)) {
      throw new Error('yaml: the document is nested too deeply to read');
    }
    throw new Error(message.split('\n')[0]);
  }
}

/**
 * The common case fast: js-yaml reads several times faster than the `yaml` package, and its
 * implicit types apply to plain scalars only, which is where go-yaml's resolution applies too. A
 * text with what only the full reader models exactly (tags, anchors, merge keys, directives,
 * tabs, CRs, a block scalar at the very end without a line break) goes to it, and so does
 * anything js-yaml refuses (its errors are not go-yaml's; duplicate keys), a special float
 * (JSON cannot hold it) or a key from a float (sigs.k8s.io/yaml writes it as float32).
 */
// A tag, anchor or alias starts a node: at a line's start or after a space or a flow indicator. A
// `*` inside a word or a quoted string (`"ami-2023.*"`, common in rendered manifests) is text, so
// it no longer sends a document to the slow reader (a quoted ` *` still does: conservative).
const FAST_UNSAFE = /(?:^|[\s[{,:])[!&*]|^%|[\t\r]|<<|\\/m;
let special = false;
/** Whether a plain scalar resolved to a float (only then can a key be one: hasFloatKey walks). */
let sawFloat = false;
const goPlainScalar = new jsyaml.Type('tag:clustermint.io,2026:go-yaml-plain', {
  kind: 'scalar',
  resolve: () => true,
  construct: (text: string) => {
    const r = resolveUntagged('', text);
    if (r.tag === FLOAT) {
      sawFloat = true;
      if (typeof r.value === 'number' && !Number.isFinite(r.value)) special = true;
    }
    return r.value;
  },
});
const GO_PLAIN_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: [goPlainScalar] });

/** A key js-yaml wrote from a float (`1.5: x`), which sigs.k8s.io/yaml would write as a float32. */
function hasFloatKey(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasFloatKey);
  if (v === null || typeof v !== 'object') return false;
  for (const [k, x] of Object.entries(v)) {
    if (/^[-+]?(\d[\d_]*)?\.|^[-+]?\d[\d_]*[eE]|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/.test(k))
      return true;
    if (hasFloatKey(x)) return true;
  }
  return false;
}

function fastUnmarshal(text: string): unknown {
  if (FAST_UNSAFE.test(text)) return undefined;
  if (!text.endsWith('\n') && /[|>][-+0-9]*[ ]*(#.*)?\n(?![\s\S]*\n[^ \n])/.test(text)) return undefined;
  special = false;
  sawFloat = false;
  let v: unknown;
  try {
    v = jsyaml.load(text, { schema: GO_PLAIN_SCHEMA });
  } catch {
    return undefined;
  }
  if (special || (sawFloat && hasFloatKey(v))) return undefined;
  return v === undefined ? null : v;
}

/** The rendered text as a JSON value; plain words skip the parser, other outputs are cached. */
export function readRenderedYaml(out: string): unknown {
  const trimmed = out.trim();
  if (PLAIN_WORD.test(trimmed) && !YAML11_WORDS.test(trimmed)) return trimmed;
  const known = parsedOutputs.get(out);
  if (known !== undefined) return cloneTree(known);
  let v: unknown;
  try {
    v = parseFirstDocument(out);
  } catch (e) {
    throw new Error(
      `failed to unmarshal rendered template: ${goJson(out)}: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  parsedOutputs.set(out, v);
  return cloneTree(v);
}
