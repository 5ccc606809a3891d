/** go-jmespath's 41 built-in functions (pkg/functions), with Go semantics and error texts. */

import { chargeWalk } from '../expression/budget.js';
import { deepEqual, ExpRef, isObject, type JsonObject, setField } from '../expression/values.js';
import { byteLength, goCompare, goJsonMarshal } from '../go/json-format.js';
import { parseGoFloat, toInteger, toPositiveInteger } from '../go/numbers.js';
import { goReplace, goSplit, goToLower, goToUpper, trimCutset, trimSpace } from '../go/strings.js';
import { JpError, notAnInteger, notAPositiveInteger } from './errors.js';
import { arg, type FunctionEntry, opt, variadic } from './types.js';

const num = (v: unknown) => v as number;
const str = (v: unknown) => v as string;
const arr = (v: unknown) => v as unknown[];
const obj = (v: unknown) => v as JsonObject;
const ref = (v: unknown) => v as ExpRef;

/** Go slice bounds panic text (kyverno-json would crash; we report it as an error). */
function sliceBounds(lo: number, hi: number, len: number): JpError {
  return new JpError(
    hi > len
      ? `runtime error: slice bounds out of range [:${hi}] with length ${len}`
      : `runtime error: slice bounds out of range [${lo}:${hi}]`,
  );
}

function find(name: string, args: unknown[], last: boolean): unknown {
  const subject = Buffer.from(str(args[0]), 'utf8');
  const needle = Buffer.from(str(args[1]), 'utf8');
  if (subject.length === 0 || needle.length === 0) return null;
  let start = 0;
  if (args.length > 2) {
    const n = toInteger(args[2]);
    if (n === undefined) throw notAnInteger(name, 'start');
    start = Math.max(0, n);
  }
  let end = subject.length;
  if (args.length > 3) {
    const n = toInteger(args[3]);
    if (n === undefined) throw notAnInteger(name, 'end');
    end = Math.min(n, subject.length);
  }
  if (start > end || end < 0 || start > subject.length) throw sliceBounds(start, end, subject.length);
  const part = subject.subarray(start, end);
  const offset = last ? part.lastIndexOf(needle) : part.indexOf(needle);
  return offset < 0 ? null : start + offset;
}

function pad(name: string, args: unknown[], left: boolean): string {
  const s = str(args[0]);
  const width = toPositiveInteger(args[1]);
  if (width === undefined) throw notAPositiveInteger(name, 'width');
  let chars = ' ';
  if (args.length > 2) {
    chars = str(args[2]);
    if (byteLength(chars) > 1) {
      throw new JpError(
        `invalid value, the function '${name}' expects its 'pad' argument to be a string of length 1`,
      );
    }
  }
  const padding = chars.repeat(Math.max(0, width - byteLength(s)));
  return left ? padding + s : s + padding;
}

function byKey(name: 'max_by' | 'min_by', args: unknown[]): unknown {
  const items = arr(args[0]);
  const exp = ref(args[1]);
  if (items.length === 0) return null;
  if (items.length === 1) return items[0];
  const first = exp.call(items[0]);
  const better = (a: number | string, b: number | string) => (name === 'max_by' ? a > b : a < b);
  if (typeof first === 'number' || typeof first === 'string') {
    const kind = typeof first;
    let best = first;
    let bestItem = items[0];
    for (const item of items.slice(1)) {
      const cur = exp.call(item);
      if (typeof cur !== kind)
        throw new JpError(`invalid type, must be ${kind === 'number' ? 'number' : 'string'}`);
      const c = cur as number | string;
      const isBetter =
        kind === 'string'
          ? goCompare(c as string, best as string) === (name === 'max_by' ? 1 : -1)
          : better(c, best);
      if (isBetter) {
        best = c;
        bestItem = item;
      }
    }
    return bestItem;
  }
  throw new JpError('invalid type, must be number of string');
}

function extreme(values: unknown[], max: boolean): unknown {
  if (values.length === 0) return null;
  let best = values[0];
  for (const v of values.slice(1)) {
    const c =
      typeof v === 'number'
        ? Math.sign((v as number) - (best as number))
        : goCompare(v as string, best as string);
    if (max ? c > 0 : c < 0) best = v;
  }
  return best;
}

function goTypeOf(v: unknown): string {
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return 'array';
  if (isObject(v)) return 'object';
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  throw new JpError('unknown type');
}

export const defaultFunctions: FunctionEntry[] = [
  { name: 'abs', args: [arg('number')], handler: (a) => Math.abs(num(a[0])) },
  {
    name: 'avg',
    args: [arg('array[number]')],
    handler: (a) => {
      const xs = arr(a[0]) as number[];
      return xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length;
    },
  },
  { name: 'ceil', args: [arg('number')], handler: (a) => Math.ceil(num(a[0])) },
  {
    name: 'contains',
    args: [arg('array', 'string'), arg('any')],
    handler: ([subject, el]) => {
      if (typeof subject === 'string') return typeof el === 'string' ? subject.includes(el) : false;
      return arr(subject).some((item) => deepEqual(el, item));
    },
  },
  { name: 'ends_with', args: [arg('string'), arg('string')], handler: (a) => str(a[0]).endsWith(str(a[1])) },
  {
    name: 'find_first',
    args: [arg('string'), arg('string'), opt('number'), opt('number')],
    handler: (a) => find('find_first', a, false),
  },
  {
    name: 'find_last',
    args: [arg('string'), arg('string'), opt('number'), opt('number')],
    handler: (a) => find('find_last', a, true),
  },
  { name: 'floor', args: [arg('number')], handler: (a) => Math.floor(num(a[0])) },
  {
    name: 'from_items',
    args: [arg('array[array]')],
    handler: (a) => {
      const items = arr(a[0]);
      if (!items.every(Array.isArray))
        throw new JpError('invalid type, first argument must be an array of arrays');
      const out: JsonObject = {};
      for (const item of items as unknown[][]) {
        if (item.length !== 2 || typeof item[0] !== 'string') {
          throw new JpError(
            'invalid value, each array must contain two elements, a pair of string and value',
          );
        }
        setField(out, item[0], item[1]);
      }
      return out;
    },
  },
  {
    name: 'group_by',
    args: [arg('array'), arg('expref')],
    handler: (a) => {
      const items = arr(a[0]);
      if (items.length === 0) return null;
      const groups: JsonObject = {};
      for (const el of items) {
        const key = ref(a[1]).call(el);
        if (typeof key !== 'string')
          throw new JpError('invalid type, the expression must evaluate to a string');
        if (!Object.hasOwn(groups, key)) setField(groups, key, []);
        (groups[key] as unknown[]).push(el);
      }
      return groups;
    },
  },
  { name: 'items', args: [arg('object')], handler: (a) => Object.entries(obj(a[0])).map(([k, v]) => [k, v]) },
  {
    name: 'join',
    args: [arg('string'), arg('array[string]')],
    handler: (a) => (arr(a[1]) as string[]).join(str(a[0])),
  },
  { name: 'keys', args: [arg('object')], handler: (a) => Object.keys(obj(a[0])) },
  {
    name: 'length',
    args: [arg('string', 'array', 'object')],
    handler: ([v]) =>
      typeof v === 'string' ? [...v].length : Array.isArray(v) ? v.length : Object.keys(obj(v)).length,
  },
  { name: 'lower', args: [arg('string')], handler: (a) => goToLower(str(a[0])) },
  {
    name: 'map',
    args: [arg('expref'), arg('array')],
    handler: (a) => arr(a[1]).map((v) => ref(a[0]).call(v)),
  },
  { name: 'max', args: [arg('array[number]', 'array[string]')], handler: (a) => extreme(arr(a[0]), true) },
  { name: 'max_by', args: [arg('array'), arg('expref')], handler: (a) => byKey('max_by', a) },
  {
    name: 'merge',
    args: [variadic('object')],
    handler: (a) => {
      const out: JsonObject = {};
      for (const m of a) for (const [k, v] of Object.entries(obj(m))) setField(out, k, v);
      return out;
    },
  },
  { name: 'min', args: [arg('array[number]', 'array[string]')], handler: (a) => extreme(arr(a[0]), false) },
  { name: 'min_by', args: [arg('array'), arg('expref')], handler: (a) => byKey('min_by', a) },
  {
    name: 'not_null',
    args: [variadic('any')],
    handler: (a) => a.find((v) => v !== null && v !== undefined) ?? null,
  },
  {
    name: 'pad_left',
    args: [arg('string'), arg('number'), opt('string')],
    handler: (a) => pad('pad_left', a, true),
  },
  {
    name: 'pad_right',
    args: [arg('string'), arg('number'), opt('string')],
    handler: (a) => pad('pad_right', a, false),
  },
  {
    name: 'replace',
    args: [arg('string'), arg('string'), arg('string'), opt('number')],
    handler: (a) => {
      let count = -1;
      if (a.length > 3) {
        const n = toPositiveInteger(a[3]);
        if (n === undefined) throw notAPositiveInteger('replace', 'count');
        count = n;
      }
      return goReplace(str(a[0]), str(a[1]), str(a[2]), count);
    },
  },
  {
    name: 'reverse',
    args: [arg('array', 'string')],
    handler: ([v]) => (typeof v === 'string' ? [...v].reverse().join('') : [...arr(v)].reverse()),
  },
  {
    name: 'sort',
    args: [arg('array[string]', 'array[number]')],
    handler: ([v]) => {
      const items = [...arr(v)];
      if (items.every((x) => typeof x === 'number')) return (items as number[]).sort((x, y) => x - y);
      return (items as string[]).sort(goCompare);
    },
  },
  {
    name: 'sort_by',
    args: [arg('array'), arg('expref')],
    handler: (a) => {
      const items = arr(a[0]);
      if (items.length <= 1) return items;
      const keys = items.map((el) => ref(a[1]).call(el));
      const kind = typeof keys[0];
      if (kind !== 'number' && kind !== 'string') throw new JpError('invalid type, must be number of string');
      if (keys.some((k) => typeof k !== kind)) throw new JpError('error in sort_by comparison');
      const idx = items.map((_, i) => i);
      idx.sort((i, j) =>
        kind === 'number'
          ? (keys[i] as number) - (keys[j] as number)
          : goCompare(keys[i] as string, keys[j] as string),
      );
      return idx.map((i) => items[i]);
    },
  },
  {
    name: 'split',
    args: [arg('string'), arg('string'), opt('number')],
    handler: (a) => {
      const s = str(a[0]);
      if (s === '') return [];
      if (a.length > 2) {
        const n = toPositiveInteger(a[2]);
        if (n === undefined) throw notAPositiveInteger('split', 'count');
        if (n === 0) return [s];
        const parts = goSplit(s, str(a[1]));
        return parts.length > n + 1 ? [...parts.slice(0, n), parts.slice(n).join(str(a[1]))] : parts;
      }
      return goSplit(s, str(a[1]));
    },
  },
  {
    name: 'starts_with',
    args: [arg('string'), arg('string')],
    handler: (a) => str(a[0]).startsWith(str(a[1])),
  },
  {
    name: 'sum',
    args: [arg('array[number]')],
    handler: (a) => (arr(a[0]) as number[]).reduce((s, x) => s + x, 0),
  },
  { name: 'to_array', args: [arg('any')], handler: ([v]) => (Array.isArray(v) ? v : [v]) },
  {
    name: 'to_number',
    args: [arg('any')],
    handler: ([v]) => {
      if (typeof v === 'number') return v;
      if (typeof v === 'string') return parseGoFloat(v) ?? null;
      if (v instanceof ExpRef) throw new JpError('unknown type');
      return null;
    },
  },
  {
    name: 'to_string',
    args: [arg('any')],
    handler: ([v]) => {
      if (typeof v === 'string') return v;
      chargeWalk(v); // before the text is built
      try {
        return goJsonMarshal(v);
      } catch (e) {
        throw new JpError((e as Error).message);
      }
    },
  },
  {
    name: 'trim',
    args: [arg('string'), opt('string')],
    handler: (a) =>
      a.length > 1 && str(a[1]) !== ''
        ? trimCutset(str(a[0]), str(a[1]), true, true)
        : trimSpace(str(a[0]), true, true),
  },
  {
    name: 'trim_left',
    args: [arg('string'), opt('string')],
    handler: (a) =>
      a.length > 1 && str(a[1]) !== ''
        ? trimCutset(str(a[0]), str(a[1]), true, false)
        : trimSpace(str(a[0]), true, false),
  },
  {
    name: 'trim_right',
    args: [arg('string'), opt('string')],
    handler: (a) =>
      a.length > 1 && str(a[1]) !== ''
        ? trimCutset(str(a[0]), str(a[1]), false, true)
        : trimSpace(str(a[0]), false, true),
  },
  { name: 'type', args: [arg('any')], handler: ([v]) => goTypeOf(v) },
  { name: 'upper', args: [arg('string')], handler: (a) => goToUpper(str(a[0])) },
  { name: 'values', args: [arg('object')], handler: (a) => Object.values(obj(a[0])) },
  {
    name: 'zip',
    args: [arg('array'), variadic('array')],
    handler: (a) => {
      const lists = a.map(arr);
      const n = Math.min(...lists.map((l) => l.length));
      return Array.from({ length: n }, (_, i) => lists.map((l) => l[i]));
    },
  },
];
