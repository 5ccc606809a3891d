/**
 * What go-yaml makes of a scalar's text when it decodes into `interface{}`: its `resolve(tag, in)`,
 * restated. Two versions matter here, and they differ only in their words:
 *
 * - **go-yaml v2** (YAML 1.1 words), behind sigs.k8s.io/yaml: kubectl, Helm's values and
 *   manifests, Cluster API's templates, kyverno-json's policy files. `y`, `yes`, `on` ... and their
 *   `n`/`no`/`off` twins are booleans.
 * - **go-yaml v3** (YAML 1.2 words), behind kyverno-json's YAML payloads: only `true`/`false` in
 *   their three spellings are booleans.
 *
 * Both read `~`/`null`/empty as null and `.inf`/`.nan` as special floats; text starting with a
 * digit or sign goes through Go's `strconv.ParseInt(s, 0, 64)` after removing every `_` (so
 * `0755` and `0o17` are octal, `0x1F`, `0b1010`, `1_000` numbers), then `ParseUint`, then a float
 * only in YAML's style (`1e3`, `.5`, not `0x1p3`) and only when it does not overflow (`1e400`
 * stays text); anything else is text (timestamps too: into `interface{}` they stay text).
 */

import jsyaml from 'js-yaml';
import { InexactInteger } from '../util/yaml-integers.js';

export const TAG = 'tag:yaml.org,2002:';
export const STR = `${TAG}str`;
export const INT = `${TAG}int`;
export const FLOAT = `${TAG}float`;
export const BOOL = `${TAG}bool`;
export const NULL = `${TAG}null`;
export const TIMESTAMP = `${TAG}timestamp`;
export const BINARY = `${TAG}binary`;
export const MERGE = `${TAG}merge`;
export const RESOLVABLE: ReadonlySet<string> = new Set(['', STR, BOOL, INT, FLOAT, NULL, TIMESTAMP]);
export const shortTag = (t: string) => (t.startsWith(TAG) ? `!!${t.slice(TAG.length)}` : t);

/** What a scalar resolved to: go-yaml's tag, the value, and for a number its Go type. */
export interface Resolved {
  tag: string;
  value: unknown;
  goType?: 'int' | 'uint64' | 'float64';
}

const WORDS_V2 = new Map<string, Resolved>();
const WORDS_V3 = new Map<string, Resolved>();
for (const [value, tag, words] of [
  [true, BOOL, 'y Y yes Yes YES true True TRUE on On ON'],
  [false, BOOL, 'n N no No NO false False FALSE off Off OFF'],
  [null, NULL, '~ null Null NULL'],
  [Number.NaN, FLOAT, '.nan .NaN .NAN'],
  [Number.POSITIVE_INFINITY, FLOAT, '.inf .Inf .INF +.inf +.Inf +.INF'],
  [Number.NEGATIVE_INFINITY, FLOAT, '-.inf -.Inf -.INF'],
  ['<<', MERGE, '<<'],
] as const)
  for (const w of words.split(' ')) {
    WORDS_V2.set(w, { tag, value });
    // YAML 1.2's booleans only: go-yaml v3 reads y, yes, on ... as text
    if (tag !== BOOL || /^(true|True|TRUE|false|False|FALSE)$/.test(w)) WORDS_V3.set(w, { tag, value });
  }
WORDS_V2.set('', { tag: NULL, value: null });
WORDS_V3.set('', { tag: NULL, value: null });

/** Which of resolve's branches a first character leads to ('' when the text is a plain string). */
function hint(s: string): string {
  if (s === '') return 'N';
  const c = s[0];
  if (c === '+' || c === '-') return 'S';
  if (c >= '0' && c <= '9') return 'D';
  if ('yYnNtTfFoO~'.includes(c)) return 'M';
  if (c === '.') return '.';
  return '';
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;
const DIGITS: Record<number, RegExp> = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ };

/** Go's strconv.ParseInt(s, 0, 64) or ParseUint(s, 0, 64) (`signed`), on a string without `_`. */
function parseGoInt(s: string, signed: boolean): bigint | undefined {
  let rest = s;
  let neg = false;
  if (signed && (rest[0] === '+' || rest[0] === '-')) {
    neg = rest[0] === '-';
    rest = rest.slice(1);
  }
  let base = 10;
  if (/^0[xX]/.test(rest)) [base, rest] = [16, rest.slice(2)];
  else if (/^0[oO]/.test(rest)) [base, rest] = [8, rest.slice(2)];
  else if (/^0[bB]/.test(rest)) [base, rest] = [2, rest.slice(2)];
  else if (rest.length > 1 && rest[0] === '0') [base, rest] = [8, rest.slice(1)];
  if (!DIGITS[base].test(rest)) return undefined;
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  let n = BigInt(prefix + rest);
  if (neg) n = -n;
  if (signed ? n < INT64_MIN || n > INT64_MAX : n > UINT64_MAX) return undefined;
  return n;
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** Go's ParseFloat of a decimal in YAML's style: undefined when it overflows (ErrRange). */
function parseGoFloat(s: string): number | undefined {
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

const bigToNumber = (n: bigint): number => Number(n);

function resolvePlain(words: ReadonlyMap<string, Resolved>, tag: string, text: string): Resolved {
  const h = hint(text);
  if (h === '' || tag === STR || tag === BINARY) return { tag: STR, value: text };
  const word = words.get(text);
  if (word) return word.tag === FLOAT ? { ...word, goType: 'float64' } : word;
  if (h === '.') {
    if (YAML_STYLE_FLOAT.test(text)) {
      const f = parseGoFloat(text);
      if (f !== undefined) return { tag: FLOAT, value: f, goType: 'float64' };
    }
  } else if (h === 'D' || h === 'S') {
    // (a timestamp resolves as one but goes into interface{} as its text: same as a string)
    const plain = text.replaceAll('_', '');
    const i = parseGoInt(plain, true);
    if (i !== undefined) return { tag: INT, value: bigToNumber(i), goType: 'int' };
    const u = parseGoInt(plain, false);
    if (u !== undefined) return { tag: INT, value: bigToNumber(u), goType: 'uint64' };
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = parseGoFloat(plain);
      if (f !== undefined) return { tag: FLOAT, value: f, goType: 'float64' };
    }
  }
  return { tag: STR, value: text };
}

/** go-yaml v2's resolution of an untagged plain scalar (or of `tag`'s text, when one is given). */
export const resolvePlainV2 = (tag: string, text: string): Resolved => resolvePlain(WORDS_V2, tag, text);

/** go-yaml v3's resolution of an untagged plain scalar (or of `tag`'s text, when one is given). */
export const resolvePlainV3 = (tag: string, text: string): Resolved => resolvePlain(WORDS_V3, tag, text);

/** A plain map key as it ends up in the JSON object go-yaml v2 makes (`on` is "true", `017` "15"). */
export const plainKeyV2 = (text: string): string => String(resolvePlainV2('', text).value);

/**
 * A js-yaml schema whose plain scalars resolve as go-yaml `version` resolves them; quoted and
 * block scalars stay text, `<<` merges maps (both versions do). With `exact`, an integer a number
 * cannot hold exactly and a special float (JSON has no form for either) throw InexactInteger,
 * which `inexactIntegerError` places in the text: for input a person wrote.
 */
export function goYamlSchema(version: 'v2' | 'v3', exact: boolean): jsyaml.Schema {
  const key = `${version}${exact}`;
  let schema = schemas.get(key);
  if (!schema) {
    const resolvePlainText = version === 'v2' ? resolvePlainV2 : resolvePlainV3;
    const plain = new jsyaml.Type(`tag:clustermint.io,2026:go-yaml-${version}-plain`, {
      kind: 'scalar',
      // `<<` is left to the merge type
      resolve: (text: string) => text !== '<<',
      construct: (text: string) => {
        const r = resolvePlainText('', text);
        if (exact && typeof r.value === 'number') {
          if (r.goType === 'float64' && !Number.isFinite(r.value))
            throw new InexactInteger(text, SPECIAL_FLOAT);
          // an integer past uint64, which Go reads as a float: refused as one past 2^53 is
          if (r.goType === 'float64' && DECIMAL_INTEGER.test(text) && !Number.isSafeInteger(r.value))
            throw new InexactInteger(text);
          if (r.goType !== 'float64' && !Number.isSafeInteger(r.value)) throw new InexactInteger(text);
        }
        return r.value;
      },
    });
    schema = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: [JS_YAML_TYPES.merge, plain] });
    schemas.set(key, schema);
  }
  return schema;
}

const DECIMAL_INTEGER = /^[-+]?[0-9][0-9_]*$/;
const SPECIAL_FLOAT = 'has no JSON form (infinity or NaN)';
const JS_YAML_TYPES = (jsyaml as unknown as { types: Record<'merge', jsyaml.Type> }).types;
const schemas = new Map<string, jsyaml.Schema>();
