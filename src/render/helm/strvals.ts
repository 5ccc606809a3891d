/**
 * Helm v4.3.2's strvals (pkg/strvals) and the merge order of pkg/cli/values MergeValues:
 * `-f` files, then --set-json, --set, --set-string, --set-file, --set-literal, each parsed into
 * the same map in turn. `--set a=1` gives an int64 (GoInt), `true`/`false` (any case) bools,
 * `null` a nil; `a[0].b=x` lists (index at most 65536), `{a,b}` lists, `\` escapes the next
 * character; names nest at most 30 levels. Error texts are Helm's. Pure: --set-file and -f
 * read through the `readFile` callback.
 *
 * Two limits of ours, where Helm has none (docs/charts.md): a path nests at most MAX_SET_DEPTH
 * maps and lists (Helm's 30 counts only `a.b` names, so `a[0][0]...` and `a[0].b[0]...` would
 * recurse until the stack ends), and the lists that indices pad with nulls hold at most
 * MAX_SET_LIST_ITEMS items in all, across every flag of one command (`l1[65536]=1 l2[65536]=1
 * ...` would otherwise allocate without bound).
 */
import { goQuote } from '../../go/fmt.js';
import { goJsonParse } from '../../go/json.js';
import { emptyMap, isPlainObject, type PlainObject } from '../../util/plain-object.js';
import { GoInt } from '../gotemplate/values.js';
import { loadValues, mergeMaps } from './load.js';

export class StrvalsError extends Error {}
/** A limit of ours (MAX_SET_DEPTH, MAX_SET_LIST_ITEMS): its text is kept whatever the flag. */
export class SetLimitError extends StrvalsError {}

export const MAX_INDEX = 65536;
export const MAX_NESTED_NAME_LEVEL = 30;
/** Maps and lists one --set path may nest, names and indices together. */
export const MAX_SET_DEPTH = 100;
/** List items (mostly nulls before an index) all the value flags of one command may create. */
export const MAX_SET_LIST_ITEMS = 1 << 20;

/** What the value flags of one command have allocated so far: the list items they created. */
export class SetBudget {
  listItems = 0;
  /** Counts `n` new list items, refusing them past the limit (before they are allocated). */
  grow(n: number): void {
    if (this.listItems + n > MAX_SET_LIST_ITEMS) {
      throw new SetLimitError(
        `list indices would create over ${MAX_SET_LIST_ITEMS.toLocaleString('en-US')} list items in all (a limit of clustermint's)`,
      );
    }
    this.listItems += n;
  }
}

/** The error for a path nested deeper than MAX_SET_DEPTH. */
export function tooDeepMessage(): string {
  return `value nests deeper than the maximum of ${MAX_SET_DEPTH} levels (a limit of clustermint's)`;
}

/** io.EOF: the end of the input, which ends parsing quietly at a key's start. */
class Eof extends Error {}
/** ErrNotList: a value that does not start with `{`. */
class NotList extends Error {}
/** A Go panic inside the parser (a failed type assertion), recovered as `unable to parse key`. */
class Panic extends Error {}

type Reader = (runes: string) => unknown;

class Scanner {
  private readonly chars: string[];
  pos = 0;
  constructor(text: string) {
    this.chars = Array.from(text);
  }
  read(): string | undefined {
    return this.pos < this.chars.length ? this.chars[this.pos++] : undefined;
  }
  unread(): void {
    this.pos--;
  }
  rest(): string {
    return this.chars.slice(this.pos).join('');
  }
  skip(n: number): void {
    this.pos += n;
  }
}

/** runesUntil: text up to a stop character (which is consumed), `\` escaping; Eof at the end. */
function runesUntil(
  sc: Scanner,
  stop: string,
  escapes = true,
): { text: string; last?: string; eof: boolean } {
  let text = '';
  for (;;) {
    const r = sc.read();
    if (r === undefined) return { text, eof: true };
    if (stop.includes(r)) return { text, last: r, eof: false };
    if (r === '\\' && escapes) {
      const next = sc.read();
      if (next === undefined) return { text, eof: true };
      text += next;
    } else text += r;
  }
}

/** The Go type of a value, as a failed interface conversion names it. */
function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'float64';
  if (v instanceof GoInt) return v.kind;
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

function assertList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  throw new Panic(`interface conversion: interface {} is ${goTypeName(v)}, not []interface {}`);
}

function assertMap(v: unknown): PlainObject {
  if (isPlainObject(v)) return v;
  throw new Panic(`interface conversion: interface {} is ${goTypeName(v)}, not map[string]interface {}`);
}

function set(data: PlainObject, key: string, value: unknown): void {
  if (key !== '') data[key] = value;
}

function setIndex(list: unknown[], index: number, value: unknown, budget: SetBudget): unknown[] {
  if (index < 0) throw new StrvalsError(`negative ${index} index not allowed`);
  if (index > MAX_INDEX) {
    throw new StrvalsError(`index of ${index} is greater than maximum supported index of ${MAX_INDEX}`);
  }
  if (list.length <= index) budget.grow(index + 1 - list.length);
  const out = list.length <= index ? [...list, ...new Array(index + 1 - list.length).fill(null)] : list;
  out[index] = value;
  return out;
}

/** typedVal: --set's typing of a value (--set-string keeps text). */
export function typedValue(text: string, asString: boolean): unknown {
  if (asString) return text;
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (text === '0') return new GoInt('int64', 0n);
  if (text !== '' && text[0] !== '0' && /^[+-]?\d+$/.test(text)) {
    const n = BigInt(text);
    if (n >= -(1n << 63n) && n < 1n << 63n) return new GoInt('int64', n);
  }
  return text;
}

/** strconv.Atoi with its error text. */
function atoi(s: string): number {
  if (/^[+-]?\d+$/.test(s)) {
    const n = BigInt(s);
    if (n >= -(1n << 63n) && n < 1n << 63n) return Number(n);
    throw new StrvalsError(`strconv.Atoi: parsing ${goQuote(s)}: value out of range`);
  }
  throw new StrvalsError(`strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`);
}

/** The length of the first JSON value at the start of `s` (json.Decoder), or throws. */
function jsonValueLength(s: string): number {
  let i = 0;
  while (i < s.length && ' \t\r\n'.includes(s[i])) i++;
  const start = i;
  const c = s[i];
  const isDigit = (k: number) => k < s.length && s[k] >= '0' && s[k] <= '9';
  if (c === undefined) throw new StrvalsError('EOF');
  if (c === '"') {
    i++;
    while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
    if (i >= s.length) throw new StrvalsError('unexpected EOF');
    return i + 1;
  }
  if (c === '{' || c === '[') {
    let depth = 0;
    for (; i < s.length; i++) {
      const ch = s[i];
      if (ch === '"') {
        i++;
        while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
      } else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    throw new StrvalsError('unexpected EOF');
  }
  if (c === '-' || isDigit(i)) {
    if (s[i] === '-') i++;
    if (s[i] === '0') i++;
    else if (isDigit(i)) while (isDigit(i)) i++;
    else throw new StrvalsError('invalid number');
    if (s[i] === '.') {
      i++;
      if (!isDigit(i)) throw new StrvalsError('invalid number');
      while (isDigit(i)) i++;
    }
    if (s[i] === 'e' || s[i] === 'E') {
      i++;
      if (s[i] === '+' || s[i] === '-') i++;
      if (!isDigit(i)) throw new StrvalsError('invalid number');
      while (isDigit(i)) i++;
    }
    return i;
  }
  for (const lit of ['true', 'false', 'null']) if (s.startsWith(lit, start)) return start + lit.length;
  throw new StrvalsError(`invalid character ${goQuote(c)} looking for beginning of value`);
}

class Parser {
  /** Maps and lists entered on the current path (MAX_SET_DEPTH). */
  private depth = 0;

  constructor(
    private readonly sc: Scanner,
    private readonly reader: Reader | null,
    private readonly budget: SetBudget,
    /** --set-literal: no escapes, no lists, the whole rest is the value. */
    private readonly literal = false,
  ) {}

  /** Runs `fn` one level deeper, refusing a path over MAX_SET_DEPTH. */
  private deeper<T>(fn: () => T): T {
    if (this.depth >= MAX_SET_DEPTH) throw new SetLimitError(tooDeepMessage());
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  parse(data: PlainObject): void {
    for (;;) {
      try {
        this.key(data, 0);
      } catch (e) {
        if (e instanceof Eof) return;
        throw e;
      }
    }
  }

  /** key(): one `name...=value` assignment into data; throws Eof at the end of the input. */
  private key(data: PlainObject, nested: number): void {
    try {
      this.keyInner(data, nested);
    } catch (e) {
      if (e instanceof Panic) throw new StrvalsError(`unable to parse key: ${e.message}`);
      throw e;
    }
  }

  private keyInner(data: PlainObject, nested: number): void {
    const stop = this.literal ? '=[.' : '=[,.';
    const { text: k, last, eof } = runesUntil(this.sc, stop, !this.literal);
    if (eof) {
      if (k.length === 0) throw new Eof();
      throw new StrvalsError(`key ${goQuote(k)} has no value`);
    }
    if (last === '[') {
      const i = this.keyIndex();
      const list = Object.hasOwn(data, k) ? assertList(data[k]) : [];
      const r = this.deeper(() => this.listItemSafe(list, i, nested));
      set(data, k, r.list);
      if (r.error) throw r.error;
      return;
    }
    if (last === '=') {
      if (this.literal) {
        set(data, k, runesUntil(this.sc, '', false).text);
        return;
      }
      if (this.reader === null) {
        set(data, k, this.jsonValue());
        return;
      }
      let vl: unknown[];
      try {
        vl = this.valList();
      } catch (e) {
        if (e instanceof Eof) {
          set(data, k, '');
          throw e;
        }
        if (!(e instanceof NotList)) throw e;
        const rs = runesUntil(this.sc, ',');
        set(data, k, this.reader(rs.text));
        return;
      }
      set(data, k, vl);
      return;
    }
    if (last === ',') {
      set(data, k, '');
      throw new StrvalsError(`key ${goQuote(k)} has no value (cannot end with ,)`);
    }
    // '.'
    nested++;
    if (nested > MAX_NESTED_NAME_LEVEL) {
      throw new StrvalsError(
        `value name nested level is greater than maximum supported nested level of ${MAX_NESTED_NAME_LEVEL}`,
      );
    }
    const inner = Object.hasOwn(data, k) ? assertMap(data[k]) : emptyMap();
    let error: unknown;
    try {
      this.deeper(() => this.key(inner, nested));
    } catch (e) {
      error = e;
    }
    if (error === undefined && Object.keys(inner).length === 0) {
      throw new StrvalsError(`key map ${goQuote(k)} has no value`);
    }
    if (Object.keys(inner).length !== 0) set(data, k, inner);
    if (error !== undefined) throw error;
  }

  /** --set-json's value: empty (`a=` or `a=,`) is nil, else one JSON value then `,` or the end. */
  private jsonValue(): unknown {
    if (this.emptyVal()) return null;
    const rest = this.sc.rest();
    let value: unknown;
    try {
      const n = jsonValueLength(rest);
      value = goJsonParse(rest.slice(0, n));
      this.sc.skip(Array.from(rest.slice(0, n)).length);
    } catch (e) {
      throw new StrvalsError((e as Error).message);
    }
    this.emptyVal();
    return value;
  }

  private emptyVal(): boolean {
    for (;;) {
      const r = this.sc.read();
      if (r === undefined || r === ',') return true;
      if (!/\s/u.test(r)) {
        this.sc.unread();
        return false;
      }
    }
  }

  private keyIndex(): number {
    const { text, eof } = runesUntil(this.sc, ']', !this.literal);
    // Helm wraps io.EOF here, and its parse loop takes any EOF as the end: `a[` sets nothing
    if (eof) throw new Eof();
    try {
      return atoi(text);
    } catch (e) {
      throw new StrvalsError(`error parsing index: ${(e as Error).message}`);
    }
  }

  /** listItem, which returns the list even when it fails (key() still stores it). */
  private listItemSafe(list: unknown[], i: number, nested: number): { list: unknown[]; error?: unknown } {
    try {
      return { list: this.listItem(list, i, nested) };
    } catch (e) {
      if (e instanceof ListError) return { list: e.list, error: e.cause };
      throw e;
    }
  }

  private listItem(list: unknown[], i: number, nested: number): unknown[] {
    const failWith = (l: unknown[], e: unknown): never => {
      throw new ListError(l, e);
    };
    if (i < 0) failWith(list, new StrvalsError(`negative ${i} index not allowed`));
    const { text: k, last, eof } = runesUntil(this.sc, '[.=', !this.literal);
    if (k.length > 0)
      failWith(list, new StrvalsError(`unexpected data at end of array index: ${goQuote(k)}`));
    if (eof) failWith(list, new Eof());
    const guard = (fn: () => unknown[]): unknown[] => {
      try {
        return fn();
      } catch (e) {
        if (e instanceof ListError || e instanceof Panic) throw e;
        return failWith(list, e);
      }
    };
    if (last === '=') {
      return guard(() => {
        if (this.literal) return setIndex(list, i, runesUntil(this.sc, '', false).text, this.budget);
        if (this.reader === null) return setIndex(list, i, this.jsonValue(), this.budget);
        let vl: unknown[];
        try {
          vl = this.valList();
        } catch (e) {
          if (e instanceof Eof) return setIndex(list, i, '', this.budget);
          if (!(e instanceof NotList)) throw e;
          const rs = runesUntil(this.sc, ',');
          return setIndex(list, i, this.reader(rs.text), this.budget);
        }
        return setIndex(list, i, vl, this.budget);
      });
    }
    if (last === '[') {
      const next = guard(() => [this.keyIndex()])[0] as number;
      const current = list.length > i && list[i] !== null ? assertList(list[i]) : [];
      let inner: unknown[];
      try {
        inner = this.deeper(() => this.listItem(current, next, nested));
      } catch (e) {
        if (e instanceof ListError) return failWith(list, e.cause);
        if (e instanceof StrvalsError) return failWith(list, e);
        throw e;
      }
      return guard(() => setIndex(list, i, inner, this.budget));
    }
    // '.'
    let inner = emptyMap();
    if (list.length > i) {
      if (isPlainObject(list[i])) inner = list[i] as PlainObject;
      else list[i] = inner;
    }
    return guard(() => {
      this.deeper(() => this.key(inner, nested));
      return setIndex(list, i, inner, this.budget);
    });
  }

  /** valList: `{a,b}`; NotList when the value does not start with `{`. */
  private valList(): unknown[] {
    const r = this.sc.read();
    if (r === undefined) throw new Eof();
    if (r !== '{') {
      this.sc.unread();
      throw new NotList();
    }
    const list: unknown[] = [];
    for (;;) {
      const { text, last, eof } = runesUntil(this.sc, ',}');
      if (eof) throw new StrvalsError("list must terminate with '}'");
      if (last === '}') {
        const next = this.sc.read();
        if (next !== undefined && next !== ',') this.sc.unread();
        list.push(this.reader!(text));
        return list;
      }
      list.push(this.reader!(text));
    }
  }
}

/** A listItem failure, carrying the list as it stood (Go returns both). */
class ListError extends Error {
  constructor(
    readonly list: unknown[],
    override readonly cause: unknown,
  ) {
    super('list item');
  }
}

/** strvals.ParseInto (`--set`), or ParseIntoString with `asString` (`--set-string`). */
export function parseInto(text: string, dest: PlainObject, asString = false, budget = new SetBudget()): void {
  new Parser(new Scanner(text), (rs) => typedValue(rs, asString), budget).parse(dest);
}

/** strvals.ParseIntoFile (`--set-file`): each value is a path, its content the value. */
export function parseIntoFile(
  text: string,
  dest: PlainObject,
  readFile: (path: string) => string,
  budget = new SetBudget(),
): void {
  new Parser(new Scanner(text), readFile, budget).parse(dest);
}

/** strvals.ParseJSON (`--set-json name=JSON`). */
export function parseJsonInto(text: string, dest: PlainObject, budget = new SetBudget()): void {
  new Parser(new Scanner(text), null, budget).parse(dest);
}

/** strvals.ParseLiteralInto (`--set-literal`): the value is the rest of the text, as is. */
export function parseLiteralInto(text: string, dest: PlainObject, budget = new SetBudget()): void {
  new Parser(new Scanner(text), (rs) => rs, budget, true).parse(dest);
}

export interface ValueFlags {
  /** -f / --values, in order. */
  valueFiles?: readonly string[];
  /** --set-json */
  jsonValues?: readonly string[];
  /** --set */
  values?: readonly string[];
  /** --set-string */
  stringValues?: readonly string[];
  /** --set-file */
  fileValues?: readonly string[];
  /** --set-literal */
  literalValues?: readonly string[];
}

/**
 * pkg/cli/values MergeValues: the user values from the flags, in Helm's order. `readFile`
 * reads a -f or --set-file path (throwing its own error). Throws StrvalsError with Helm's text.
 */
export function mergeValueFlags(flags: ValueFlags, readFile: (path: string) => string): PlainObject {
  let base = emptyMap();
  const budget = new SetBudget();
  for (const path of flags.valueFiles ?? []) {
    const raw = readFile(path);
    let current: PlainObject;
    try {
      current = loadValues(raw.endsWith('\n') || raw === '' ? raw : `${raw}\n`);
    } catch (e) {
      throw new StrvalsError(`failed to parse ${path}: ${(e as Error).message}`);
    }
    base = mergeMaps(base, current);
  }
  for (const value of flags.jsonValues ?? []) {
    const trimmed = value.trim();
    if (trimmed.startsWith('{')) {
      let parsed: unknown;
      try {
        parsed = goJsonParse(trimmed);
      } catch {
        throw new StrvalsError(`failed parsing --set-json data JSON: ${value}`);
      }
      if (parsed !== null && !isPlainObject(parsed)) {
        throw new StrvalsError(`failed parsing --set-json data JSON: ${value}`);
      }
      if (parsed !== null) base = mergeMaps(base, parsed as PlainObject);
    } else {
      try {
        parseJsonInto(value, base, budget);
      } catch (e) {
        if (!(e instanceof StrvalsError)) throw e;
        if (e instanceof SetLimitError)
          throw new StrvalsError(`failed parsing --set-json data: ${e.message}`);
        throw new StrvalsError(`failed parsing --set-json data ${value}`);
      }
    }
  }
  const each = (list: readonly string[] | undefined, flag: string, parse: (v: string) => void) => {
    for (const value of list ?? []) {
      try {
        parse(value);
      } catch (e) {
        if (!(e instanceof StrvalsError)) throw e;
        throw new StrvalsError(`failed parsing ${flag} data: ${e.message}`);
      }
    }
  };
  each(flags.values, '--set', (v) => parseInto(v, base, false, budget));
  each(flags.stringValues, '--set-string', (v) => parseInto(v, base, true, budget));
  each(flags.fileValues, '--set-file', (v) => parseIntoFile(v, base, readFile, budget));
  each(flags.literalValues, '--set-literal', (v) => parseLiteralInto(v, base, budget));
  return base;
}
