/** kyverno's JMESPath functions (pkg/jp/kyverno/functions.go), in upstream order. */
import { createRequire } from 'node:module';
import { reserve } from '../expression/budget.js';
import { isObject, type JsonObject, setField } from '../expression/values.js';
import { goJsonParse } from '../go/json.js';
import { formatFloat32, goCompare, goJsonMarshal, sortedKeys } from '../go/json-format.js';
import { Base64Error, goBase64Decode, goFilepathJoin } from '../go/misc.js';
import { intNumber } from '../go/numbers.js';
import { compileGo, replaceAll } from '../go/regexp.js';
import { parseRange, parseVersion, type Version, ZERO_VERSION } from '../go/semver.js';
import { goEqualFold, goReplace, goSplit, goToLower, goToUpper, trimCutset } from '../go/strings.js';
import { BoundedCache } from '../util/bounded-cache.js';
import { checkTree, ExpansionBudget } from '../util/expansion-budget.js';
import { arithmeticFunctions } from './arithmetic.js';
import { argTypeError, fnError, JpError } from './errors.js';
import { timeFunctions } from './functions-time.js';
import { randomString } from './random.js';
import { arg, type FunctionEntry } from './types.js';
import { wildcardMatch } from './wildcard.js';
import { x509Decode } from './x509.js';

// `yaml` is large and only parse_yaml needs it: loaded on first use, not on every cold start.
const require = createRequire(import.meta.url);
let yamlModule: typeof import('yaml') | undefined;
const yamlLib = (): typeof import('yaml') => (yamlModule ??= require('yaml'));

/** kyverno's validateArg for a string argument (`argument #n is not of type string`). */
function str(fn: string, args: unknown[], i: number): string {
  const v = args[i];
  if (typeof v !== 'string') throw argTypeError(fn, i + 1, 'string');
  return v;
}

function float(fn: string, args: unknown[], i: number): number {
  const v = args[i];
  if (typeof v !== 'number') throw argTypeError(fn, i + 1, 'float64');
  return v;
}

/** ifaceToString: numbers with 32-bit float formatting. */
function ifaceToString(v: unknown): string | undefined {
  if (typeof v === 'number') return formatFloat32(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

function stringOrReal(fn: string, v: unknown, index: number): string {
  const s = ifaceToString(v);
  if (s === undefined) throw argTypeError(fn, index, 'String or Real');
  return s;
}

function compile(fn: string, pattern: string) {
  try {
    return compileGo(pattern);
  } catch (e) {
    throw fnError(fn, (e as Error).message);
  }
}

function regexReplace(fn: string, args: unknown[], literal: boolean): string {
  const regex = str(fn, args, 0);
  const src = stringOrReal(fn, args[1], 2);
  const repl = stringOrReal(fn, args[2], 3);
  // `$1` repeated in the replacement multiplies the input: the budget is asked as it grows
  return replaceAll(compile(fn, regex), src, repl, literal, reserve);
}

function parseJson(text: string): unknown {
  try {
    return goJsonParse(text);
  } catch (e) {
    throw new JpError((e as Error).message);
  }
}

/** sigs.k8s.io/yaml YAMLToJSON (YAML 1.1, first document) then JSON decoding. */
function parseYaml(text: string): unknown {
  const { parseAllDocuments, Scalar, visit } = yamlLib();
  const docs = parseAllDocuments(text, {
    version: '1.1',
    customTags: (tags) =>
      tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp'),
  });
  const list = Array.isArray(docs) ? docs : [docs];
  const doc = list[0];
  if (!doc) return null;
  if (doc.errors.length > 0) throw new JpError(`yaml: ${doc.errors[0].message.split('\n')[0]}`);
  if (!text.endsWith('\n')) {
    // libyaml adds no final line break to a clipped block scalar that ends the input.
    visit(doc, {
      Scalar(_key, node) {
        const block = node.type === Scalar.BLOCK_FOLDED || node.type === Scalar.BLOCK_LITERAL;
        const end = node.range?.[1] ?? 0;
        const header = text.slice(node.range?.[0] ?? 0).split('\n')[0];
        if (block && end >= text.length && !header.includes('+') && typeof node.value === 'string') {
          node.value = node.value.replace(/\n$/, '');
        }
      },
    });
  }
  const value = doc.toJS({ maxAliasCount: 10000 });
  try {
    const normalized = normalizeYaml(value);
    // the alias count above lets short texts alias long strings: bound the text, too
    checkTree(normalized, new ExpansionBudget({}), {});
    return parseJson(goJsonMarshal(normalized));
  } catch (e) {
    throw new JpError((e as Error).message);
  }
}

function normalizeYaml(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
  if (v instanceof Map) {
    const out: JsonObject = {};
    for (const [k, val] of v) setField(out, k === null ? 'null' : String(k), normalizeYaml(val));
    return out;
  }
  if (v instanceof Set) return [...v].map(normalizeYaml);
  if (Array.isArray(v)) return v.map(normalizeYaml);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, val] of Object.entries(v)) setField(out, k, normalizeYaml(val));
    return out;
  }
  return v;
}

function labelMatch(args: unknown[]): boolean {
  const labels = args[0];
  const match = args[1];
  if (!isObject(labels)) throw argTypeError('label_match', 0, 'Object');
  if (!isObject(match)) throw argTypeError('label_match', 1, 'Object');
  for (const [k, v] of Object.entries(labels)) {
    if (!Object.hasOwn(match, k)) return false;
    const other = match[k];
    const uncomparable = (x: unknown) => Array.isArray(x) || isObject(x);
    if (uncomparable(v) && uncomparable(other) && Array.isArray(v) === Array.isArray(other)) {
      throw new JpError(
        `runtime error: comparing uncomparable type ${Array.isArray(v) ? '[]interface {}' : 'map[string]interface {}'}`,
      );
    }
    if (v !== other) return false;
  }
  return true;
}

function lookup(args: unknown[]): unknown {
  const [input, key] = args;
  if (isObject(input)) {
    if (typeof key !== 'string') throw argTypeError('lookup', 2, 'String');
    return Object.hasOwn(input, key) ? (input[key] ?? null) : null;
  }
  if (Array.isArray(input)) {
    if (typeof key !== 'number') throw argTypeError('lookup', 2, 'Number');
    const i = intNumber(key);
    if (typeof i === 'string') throw new JpError(`JMESPath function 'lookup': argument #2: ${i}`);
    return i < 0 || i > input.length - 1 ? null : input[i];
  }
  throw argTypeError('lookup', 1, 'Object or Array');
}

function items(args: unknown[]): unknown {
  const [input, keyName, valName] = args;
  if (typeof keyName !== 'string') throw argTypeError('items', 2, 'String');
  if (typeof valName !== 'string') throw argTypeError('items', 3, 'String');
  const pair = (k: unknown, v: unknown) => {
    const o: JsonObject = {};
    setField(o, keyName, k);
    setField(o, valName, v);
    return o;
  };
  if (isObject(input)) return sortedKeys(input).map((k) => pair(k, input[k]));
  if (Array.isArray(input)) return input.map((v, i) => pair(i, v));
  throw argTypeError('items', 1, 'Object or Array');
}

function objectFromLists(args: unknown[]): JsonObject {
  const [keys, values] = args;
  if (!Array.isArray(keys)) throw argTypeError('object_from_lists', 1, 'Array');
  if (!Array.isArray(values)) throw argTypeError('object_from_lists', 2, 'Array');
  const out: JsonObject = {};
  keys.forEach((k, i) => {
    const key = ifaceToString(k);
    if (key === undefined) throw argTypeError('object_from_lists', 1, 'StringArray');
    setField(out, key, i < values.length ? values[i] : null);
  });
  return out;
}

/**
 * Parsed versions and ranges by text: a policy compares the same few literals for every resource.
 * Only what parses is kept (a bad range throws each time).
 */
const versions = new BoundedCache<string, Version>(512);
const ranges = new BoundedCache<string, ReturnType<typeof parseRange>>(256);

function semverCompare(args: unknown[]): boolean {
  const v = str('semver_compare', args, 0);
  const r = str('semver_compare', args, 1);
  let version = ZERO_VERSION;
  try {
    version = versions.getOrCreate(v, () => parseVersion(v));
  } catch {
    // upstream ignores the parse error (the zero Version)
  }
  let range: ReturnType<typeof parseRange>;
  try {
    range = ranges.getOrCreate(r, () => parseRange(r));
  } catch (e) {
    throw new JpError((e as Error).message);
  }
  return range(version);
}

export const kyvernoFunctions: FunctionEntry[] = [
  {
    name: 'compare',
    args: [arg('string'), arg('string')],
    handler: (a) => goCompare(str('compare', a, 0), str('compare', a, 1)),
  },
  {
    name: 'equal_fold',
    args: [arg('string'), arg('string')],
    handler: (a) => goEqualFold(str('equal_fold', a, 0), str('equal_fold', a, 1)),
  },
  {
    name: 'replace',
    args: [arg('string'), arg('string'), arg('string'), arg('number')],
    handler: (a) =>
      goReplace(
        str('replace', a, 0),
        str('replace', a, 1),
        str('replace', a, 2),
        Math.trunc(float('replace', a, 3)),
      ),
  },
  {
    name: 'replace_all',
    args: [arg('string'), arg('string'), arg('string')],
    handler: (a) =>
      goReplace(str('replace_all', a, 0), str('replace_all', a, 1), str('replace_all', a, 2), -1),
  },
  { name: 'to_upper', args: [arg('string')], handler: (a) => goToUpper(str('to_upper', a, 0)) },
  { name: 'to_lower', args: [arg('string')], handler: (a) => goToLower(str('to_lower', a, 0)) },
  {
    name: 'trim',
    args: [arg('string'), arg('string')],
    handler: (a) => trimCutset(str('trim', a, 0), str('trim', a, 1), true, true),
  },
  {
    name: 'trim_prefix',
    args: [arg('string'), arg('string')],
    handler: (a) => {
      const s = str('trim_prefix', a, 0);
      const prefix = str('trim_prefix', a, 1);
      return s.startsWith(prefix) ? s.slice(prefix.length) : s;
    },
  },
  {
    name: 'split',
    args: [arg('string'), arg('string')],
    handler: (a) => goSplit(str('split', a, 0), str('split', a, 1)),
  },
  {
    name: 'regex_replace_all',
    args: [arg('string'), arg('string', 'number'), arg('string', 'number')],
    handler: (a) => regexReplace('regex_replace_all', a, false),
  },
  {
    name: 'regex_replace_all_literal',
    args: [arg('string'), arg('string', 'number'), arg('string', 'number')],
    handler: (a) => regexReplace('regex_replace_all_literal', a, true),
  },
  {
    name: 'regex_match',
    args: [arg('string'), arg('string', 'number')],
    handler: (a) => {
      const regex = str('regex_match', a, 0);
      const src = stringOrReal('regex_match', a[1], 2);
      let re: ReturnType<typeof compileGo>;
      try {
        re = compileGo(regex);
      } catch (e) {
        throw new JpError((e as Error).message);
      }
      return re.matcher(src).find();
    },
  },
  {
    // Upstream reports its argument errors under the name regex_match.
    name: 'pattern_match',
    args: [arg('string'), arg('string', 'number')],
    handler: (a) => wildcardMatch(str('regex_match', a, 0), stringOrReal('regex_match', a[1], 2)),
  },
  { name: 'label_match', args: [arg('object'), arg('object')], handler: labelMatch },
  {
    name: 'to_boolean',
    args: [arg('string')],
    handler: (a) => {
      const s = str('to_boolean', a, 0);
      const lower = goToLower(s);
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw fnError('to_boolean', `lowercase argument must be 'true' or 'false' (provided: '${s}')`);
    },
  },
  ...arithmeticFunctions,
  {
    // Upstream validates the base64 arguments with an empty function name.
    name: 'base64_decode',
    args: [arg('string')],
    handler: (a) => {
      try {
        return goBase64Decode(str('', a, 0)).toString('utf8');
      } catch (e) {
        if (e instanceof Base64Error) throw new JpError(e.message);
        throw e;
      }
    },
  },
  {
    name: 'base64_encode',
    args: [arg('string')],
    handler: (a) => Buffer.from(str('', a, 0), 'utf8').toString('base64'),
  },
  ...timeFunctions.slice(0, 3),
  {
    name: 'path_canonicalize',
    args: [arg('string')],
    handler: (a) => goFilepathJoin(str('path_canonicalize', a, 0)),
  },
  {
    name: 'truncate',
    args: [arg('string'), arg('number')],
    handler: (a) => {
      const s = str('truncate', a, 0);
      const n = Math.max(0, Math.trunc(float('truncate', a, 1)));
      const runes = [...s];
      return runes.length <= n ? s : runes.slice(0, n).join('');
    },
  },
  { name: 'semver_compare', args: [arg('string'), arg('string')], handler: semverCompare },
  {
    name: 'parse_json',
    args: [arg('string')],
    handler: (a) => parseJson(str('parse_json', a, 0)),
  },
  { name: 'parse_yaml', args: [arg('string')], handler: (a) => parseYaml(str('parse_yaml', a, 0)) },
  { name: 'lookup', args: [arg('object', 'array'), arg('string', 'number')], handler: lookup },
  { name: 'items', args: [arg('object', 'array'), arg('string'), arg('string')], handler: items },
  { name: 'object_from_lists', args: [arg('array'), arg('array')], handler: objectFromLists },
  {
    name: 'random',
    args: [arg('string')],
    handler: ([pattern]) => {
      if (pattern === '') throw new JpError('no pattern provided');
      try {
        return randomString(pattern as string);
      } catch (e) {
        throw new JpError((e as Error).message);
      }
    },
  },
  { name: 'x509_decode', args: [arg('string')], handler: (a) => x509Decode(str('x509_decode', a, 0)) },
  ...timeFunctions.slice(3),
];
