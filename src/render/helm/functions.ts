/**
 * Helm v4.3.2's template function map (pkg/engine/funcs.go `funcMap()`), without the four that
 * need the template set (include, tpl, required, lookup: the engine adds them). It is sprig
 * v3.3.0's full text map (the hermetic one plus the clock, random and DNS functions) minus
 * env and expandenv, plus Helm's toYaml/fromYaml/toJson/fromJson/toToml families and its
 * duration helpers. `getHostByName` answers "" as `helm template` does with DNS off.
 *
 * Values are the Go engine's (src/render/gotemplate/values.ts); `now` and `toDate` return a
 * time.Time object (GoTimeValue), Helm's `mustToDuration` a time.Duration (GoDurationValue).
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import {
  DurationError,
  formatDuration,
  HOUR,
  MICROSECOND,
  MILLISECOND,
  MINUTE,
  parseDuration,
  SECOND,
} from '../../go/duration.js';
import { goQuote } from '../../go/fmt.js';
import { goJsonParse } from '../../go/json.js';
import { type GoTime, goFormatTime, now as goNow, goParseTime, timeAdd, timeSub } from '../../go/time.js';
import { emptyMap } from '../../util/plain-object.js';
import { WorkBudgetSpent } from '../../util/work-budget.js';
import { FunctionFailure } from '../functions/failure.js';
import { toJson } from '../functions/json.js';
import { sigsYamlMarshal, sigsYamlUnmarshal } from '../functions/sigs-yaml.js';
import { loadLocation, localZone, UTC, type Zone, zoneAt } from '../functions/time-zones.js';
import { hermeticSprigFuncs } from '../gotemplate/sprig.js';
import { goValueModel as model } from '../gotemplate/value-model.js';
import { type GoFunc, GoFuncError, type GoFuncMap, GoInt, GoObject, int64 } from '../gotemplate/values.js';

const f = (params: readonly string[], fn: GoFunc['fn'], variadic?: string): GoFunc =>
  variadic === undefined ? { params, fn } : { params, variadic, fn };
const fail = (msg: string): never => {
  throw new GoFuncError(msg);
};

// ---------------------------------------------------------------------------------------------
// time.Time and time.Duration

/** A Go time.Time: an instant and the Location it is shown in. */
export class GoTimeValue extends GoObject {
  readonly goType = 'time.Time';
  constructor(
    readonly instant: { sec: number; nsec: number },
    readonly zone: Zone,
    /** time.Now() carries a monotonic reading, which String() prints as `m=+0.000000001`. */
    readonly monotonic = false,
  ) {
    super();
  }
  /** The wall clock of the instant in its zone. */
  wall(): { t: GoTime; abbrev: string } {
    const { offset, abbrev } = zoneAt(this.zone, this.instant.sec);
    return { t: { ...this.instant, offset }, abbrev };
  }
  format(layout: string): string {
    const { t, abbrev } = this.wall();
    return goFormatTime(t, layout, abbrev);
  }
  in(zone: Zone): GoTimeValue {
    return new GoTimeValue(this.instant, zone, this.monotonic);
  }
  unix(): bigint {
    return BigInt(this.instant.sec);
  }
  toString(): string {
    const text = this.format('2006-01-02 15:04:05.999999999 -0700 MST');
    return this.monotonic ? `${text} m=+0.000000001` : text;
  }
  methods(): Record<string, GoFunc> {
    const fields = () => {
      const { t } = this.wall();
      return new Date((t.sec + t.offset) * 1000);
    };
    const int = (n: number) => new GoInt('int', BigInt(n));
    return {
      Format: f(['string'], (layout: string) => this.format(layout)),
      String: f([], () => this.toString()),
      Unix: f([], () => int64(this.unix())),
      UnixMilli: f([], () => int64(this.unix() * 1000n + BigInt(Math.trunc(this.instant.nsec / 1e6)))),
      UnixNano: f([], () => int64(this.unix() * SECOND + BigInt(this.instant.nsec))),
      UTC: f([], () => this.in(UTC)),
      Local: f([], () => this.in(localZone())),
      Year: f([], () => int(fields().getUTCFullYear())),
      YearDay: f([], () => {
        const d = fields();
        return int(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1);
      }),
      Day: f([], () => int(fields().getUTCDate())),
      Hour: f([], () => int(fields().getUTCHours())),
      Minute: f([], () => int(fields().getUTCMinutes())),
      Second: f([], () => int(fields().getUTCSeconds())),
      Nanosecond: f([], () => int(this.instant.nsec)),
      IsZero: f([], () => this.instant.sec === -62135596800 && this.instant.nsec === 0),
      Add: f(['time.Duration'], (d: GoDurationValue) => this.add(d.ns)),
      Sub: f(['time.Time'], (o: GoTimeValue) => new GoDurationValue(timeSub(asGoTime(this), asGoTime(o)))),
      Before: f(['time.Time'], (o: GoTimeValue) => timeSub(asGoTime(this), asGoTime(o)) < 0n),
      After: f(['time.Time'], (o: GoTimeValue) => timeSub(asGoTime(this), asGoTime(o)) > 0n),
      Equal: f(['time.Time'], (o: GoTimeValue) => timeSub(asGoTime(this), asGoTime(o)) === 0n),
    };
  }
  add(ns: bigint): GoTimeValue {
    const t = timeAdd(asGoTime(this), ns);
    return new GoTimeValue({ sec: t.sec, nsec: t.nsec }, this.zone, this.monotonic);
  }
}

const asGoTime = (v: GoTimeValue): GoTime => ({ ...v.instant, offset: 0 });

/** A Go time.Duration (int64 nanoseconds); prints as `1h2m3s`. */
export class GoDurationValue extends GoObject {
  readonly goType = 'time.Duration';
  readonly ns: bigint;
  constructor(ns: bigint) {
    super();
    this.ns = BigInt.asIntN(64, ns);
  }
  toString(): string {
    return formatDuration(this.ns);
  }
  methods(): Record<string, GoFunc> {
    return {
      String: f([], () => this.toString()),
      Seconds: f([], () => nsIn(this.ns, SECOND)),
      Minutes: f([], () => nsIn(this.ns, MINUTE)),
      Hours: f([], () => nsIn(this.ns, HOUR)),
      Milliseconds: f([], () => int64(this.ns / MILLISECOND)),
      Microseconds: f([], () => int64(this.ns / MICROSECOND)),
      Nanoseconds: f([], () => int64(this.ns)),
      Round: f(['time.Duration'], (m: GoDurationValue) => new GoDurationValue(durationRound(this.ns, m.ns))),
      Truncate: f(
        ['time.Duration'],
        (m: GoDurationValue) => new GoDurationValue(durationTruncate(this.ns, m.ns)),
      ),
    };
  }
}

/** Duration.Seconds/Minutes/Hours: whole units plus the fraction, as Go computes them. */
function nsIn(ns: bigint, unit: bigint): number {
  return Number(ns / unit) + Number(ns % unit) / Number(unit);
}

const MIN_DURATION = -(1n << 63n);
const MAX_DURATION = (1n << 63n) - 1n;

/** Duration.Round(m). */
function durationRound(d: bigint, m: bigint): bigint {
  if (m <= 0n) return d;
  let r = d % m;
  if (d < 0n) {
    r = -r;
    if (r + r < m) return d + r;
    const d1 = d - m + r;
    return d1 < d ? d1 : MIN_DURATION;
  }
  if (r + r < m) return d - r;
  const d1 = d + m - r;
  return d1 > d && d1 <= MAX_DURATION ? d1 : MAX_DURATION;
}

/** Duration.Truncate(m). */
const durationTruncate = (d: bigint, m: bigint): bigint => (m <= 0n ? d : d - (d % m));

function nowValue(): GoTimeValue {
  const t = goNow(true);
  return new GoTimeValue({ sec: t.sec, nsec: t.nsec }, localZone(), true);
}

/** sprig's date argument: a time.Time, an int/int64/int32 of Unix seconds, else now. */
function dateArg(v: unknown): GoTimeValue {
  if (v instanceof GoTimeValue) return v;
  if (v instanceof GoInt && (v.kind === 'int' || v.kind === 'int64' || v.kind === 'int32')) {
    return new GoTimeValue({ sec: v.toNumber(), nsec: 0 }, localZone());
  }
  return nowValue();
}

function dateInZone(layout: string, date: unknown, zone: string): string {
  const loc = loadLocation(zone) ?? UTC;
  return dateArg(date).in(loc).format(layout);
}

/** time.ParseInLocation(layout, value, time.Local). */
function parseInLocal(layout: string, value: string): GoTimeValue {
  let t: GoTime;
  try {
    t = goParseTime(layout, value);
  } catch (e) {
    return fail((e as Error).message);
  }
  const local = localZone();
  if (!/Z07|-07|MST/.test(layout) && local.iana !== undefined) {
    // No zone in the text: the wall clock is Local's; find the offset in force then.
    const guess = zoneAt(local, t.sec).offset;
    const offset = zoneAt(local, t.sec - guess).offset;
    return new GoTimeValue({ sec: t.sec - offset, nsec: t.nsec }, local);
  }
  return new GoTimeValue({ sec: t.sec, nsec: t.nsec }, t.offset === 0 ? UTC : local);
}

/** The zero time.Time (January 1, year 1, 00:00:00 UTC). */
const ZERO_TIME = new GoTimeValue({ sec: -62135596800, nsec: 0 }, UTC);

/** sprig's durationRound: the largest whole unit (y, mo, d, h, m, s) of a duration. */
function roughDuration(v: unknown): string {
  let d = 0n;
  if (typeof v === 'string') {
    try {
      d = parseDuration(v);
    } catch {
      d = 0n;
    }
  } else if (v instanceof GoInt && v.kind === 'int64') d = v.v;
  else if (v instanceof GoTimeValue) d = timeSub(asGoTime(nowValue()), asGoTime(v));
  let u = BigInt.asUintN(64, d);
  if (d < 0n) u = BigInt.asUintN(64, -u);
  const day = 24n * HOUR;
  const units: [bigint, string][] = [
    [365n * day, 'y'],
    [30n * day, 'mo'],
    [day, 'd'],
    [HOUR, 'h'],
    [MINUTE, 'm'],
    [SECOND, 's'],
  ];
  for (const [unit, suffix] of units) if (u > unit) return `${u / unit}${suffix}`;
  return '0s';
}

// ---------------------------------------------------------------------------------------------
// Helm's duration helpers (asDuration)

const MAX_SECONDS = MAX_DURATION / SECOND;
const MIN_SECONDS = MIN_DURATION / SECOND;

function durationFromSecondsFloat(seconds: number): bigint {
  if (!Number.isFinite(seconds)) fail(`invalid duration seconds: ${goFloatText(seconds)}`);
  const max = 2 ** 63 / 1e9;
  if (seconds > max || seconds < -max) fail(`duration seconds overflow: ${goFloatText(seconds)}`);
  const nanos = seconds * 1e9;
  if (nanos >= 2 ** 63 || nanos < -(2 ** 63)) fail(`duration nanoseconds overflow: ${goFloatText(nanos)}`);
  return BigInt(Math.trunc(nanos));
}

const goFloatText = (x: number) => model.text(x);

/** Helm's asDuration: a Duration, a duration string, numeric text or a number of seconds. */
export function asDuration(v: unknown): bigint {
  if (v instanceof GoDurationValue) return v.ns;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '') fail('empty duration');
    try {
      return parseDuration(s);
    } catch (e) {
      if (!(e instanceof DurationError)) throw e;
    }
    // strconv.ParseFloat: `_` may separate digits; inf, infinity and nan in any case.
    const digits = '\\d+(?:_\\d+)*';
    const decimal = new RegExp(
      `^[-+]?(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:[eE][-+]?${digits})?$`,
    );
    if (decimal.test(s)) return durationFromSecondsFloat(Number(s.replaceAll('_', '')));
    const special = /^([-+]?)(inf|infinity|nan)$/i.exec(s);
    if (special) {
      return durationFromSecondsFloat(
        special[2].toLowerCase() === 'nan' ? Number.NaN : Number(`${special[1]}Infinity`),
      );
    }
    return fail(`could not parse duration ${goQuote(v)}`);
  }
  if (v === null || v === undefined) fail('invalid duration');
  if (v instanceof GoInt) {
    if (v.unsigned ? v.v > MAX_SECONDS : v.v > MAX_SECONDS || v.v < MIN_SECONDS) {
      fail(`duration seconds overflow: ${v.v}`);
    }
    return v.v * SECOND;
  }
  if (typeof v === 'number') return durationFromSecondsFloat(v);
  return fail(`unsupported duration type ${model.typeName(v)}`);
}

/** A helper that answers `zero` when asDuration fails, as Helm's do. */
const orZero =
  <T>(zero: T, fn: (d: bigint) => T) =>
  (v: unknown): T => {
    let d: bigint;
    try {
      d = asDuration(v);
    } catch (e) {
      if (e instanceof GoFuncError) return zero;
      throw e;
    }
    return fn(d);
  };

const durationTo = (op: (d: bigint, m: bigint) => bigint) => (v: unknown, m: unknown) => {
  let d: bigint;
  try {
    d = asDuration(v);
  } catch (e) {
    if (e instanceof GoFuncError) return new GoDurationValue(0n);
    throw e;
  }
  try {
    return new GoDurationValue(op(d, asDuration(m)));
  } catch (e) {
    if (e instanceof GoFuncError) return new GoDurationValue(d);
    throw e;
  }
};

// ---------------------------------------------------------------------------------------------
// Random strings (goutils' CryptoRandom*)

function randomFrom(count: GoInt, alphabet: string): string {
  const n = count.toNumber();
  if (n < 0) fail(`Requested random string length ${n} is less than 0.`);
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

// ---------------------------------------------------------------------------------------------
// JSON and YAML

/** Helm's fromJson: a map, with the error text under "Error" when the text is not a JSON object. */
function fromJsonMap(s: string): unknown {
  const r = jsonInto(s, false);
  return 'error' in r ? Object.assign(emptyMap(), { Error: r.error }) : r.value;
}

function fromJsonList(s: string): unknown {
  const r = jsonInto(s, true);
  return 'error' in r ? [r.error] : r.value;
}

function jsonInto(s: string, array: boolean): { value: unknown } | { error: string } {
  let v: unknown;
  try {
    v = goJsonParse(s);
  } catch (e) {
    return { error: (e as Error).message };
  }
  // json null leaves a nil map or slice, which toJson prints as null.
  if (v === null) return { value: null };
  const kind = Array.isArray(v)
    ? 'array'
    : typeof v === 'object'
      ? 'object'
      : typeof v === 'boolean'
        ? 'bool'
        : typeof v;
  if (array ? kind === 'array' : kind === 'object') return { value: v };
  const target = array ? '[]interface {}' : 'map[string]interface {}';
  return { error: `json: cannot unmarshal ${kind} into Go value of type ${target}` };
}

/** Helm's toYaml: sigs.k8s.io/yaml without the final newline; "" when it cannot be marshalled. */
export function helmToYaml(v: unknown): string {
  try {
    return sigsYamlMarshal(model, v).replace(/\n$/, '');
  } catch (e) {
    if (e instanceof FunctionFailure) return '';
    throw e;
  }
}

const mustToYaml = (v: unknown): string => {
  try {
    return sigsYamlMarshal(model, v).replace(/\n$/, '');
  } catch (e) {
    return fail((e as Error).message);
  }
};

function fromYamlMap(s: string): unknown {
  const r = sigsYamlUnmarshal(s, false);
  return 'error' in r ? Object.assign(emptyMap(), { Error: r.error }) : r.value;
}

function fromYamlList(s: string): unknown {
  const r = sigsYamlUnmarshal(s, true);
  return 'error' in r ? [r.error] : r.value;
}

const helmToJson = (v: unknown): string => {
  try {
    return toJson(model, v, { escapeHtml: true });
  } catch (e) {
    if (e instanceof WorkBudgetSpent) throw e; // the render stops; Helm's "" is for values JSON cannot hold
    return '';
  }
};

// ---------------------------------------------------------------------------------------------

const unsupported = (name: string, reason: string): GoFunc =>
  f([], () => fail(`function ${name} is not supported by clustermint (${reason})`), 'any');

function nonHermetic(): [string, GoFunc][] {
  const date = f(['string', 'any'], (layout: string, d: unknown) => dateInZone(layout, d, 'Local'));
  const dateZone = f(['string', 'any', 'string'], dateInZone);
  const dateModify = f(['string', 'time.Time'], (text: string, t: GoTimeValue) => {
    try {
      return t.add(parseDuration(text));
    } catch {
      return t;
    }
  });
  return [
    ['now', f([], nowValue)],
    ['date', date],
    ['date_in_zone', dateZone],
    ['dateInZone', dateZone],
    ['date_modify', dateModify],
    ['dateModify', dateModify],
    ['htmlDate', f(['any'], (d: unknown) => dateInZone('2006-01-02', d, 'Local'))],
    ['htmlDateInZone', f(['any', 'string'], (d: unknown, z: string) => dateInZone('2006-01-02', d, z))],
    ['randAlphaNum', f(['int'], (n: GoInt) => randomFrom(n, LETTERS + DIGITS))],
    ['randAlpha', f(['int'], (n: GoInt) => randomFrom(n, LETTERS))],
    ['randAscii', f(['int'], (n: GoInt) => randomFrom(n, ASCII))],
    ['randNumeric', f(['int'], (n: GoInt) => randomFrom(n, DIGITS))],
    [
      'randBytes',
      f(['int'], (n: GoInt) => {
        if (n.v < 0n) fail('runtime error: makeslice: len out of range');
        return randomBytes(n.toNumber()).toString('base64');
      }),
    ],
    ['uuidv4', f([], () => randomUUID())],
    // `helm template` renders with DNS lookups off: Helm's engine answers "".
    ['getHostByName', f(['string'], () => '')],
  ];
}

/** Hermetic sprig functions that need the clock, randomness or time values: real in Helm's map. */
function clockAndRandom(): [string, GoFunc][] {
  const mustDateModify = f(['string', 'time.Time'], (text: string, t: GoTimeValue) => {
    try {
      return t.add(parseDuration(text));
    } catch (e) {
      return fail((e as Error).message);
    }
  });
  return [
    [
      'ago',
      f(['any'], (d: unknown) => {
        const since = timeSub(asGoTime(nowValue()), asGoTime(dateArg(d)));
        return formatDuration(durationRound(since, SECOND));
      }),
    ],
    [
      'duration',
      f(['any'], (v: unknown) => {
        let n = 0n;
        if (typeof v === 'string')
          n = /^[-+]?\d+$/.test(v) && BigInt.asIntN(64, BigInt(v)) === BigInt(v) ? BigInt(v) : 0n;
        else if (v instanceof GoInt && v.kind === 'int64') n = v.v;
        return formatDuration(n * SECOND);
      }),
    ],
    ['durationRound', f(['any'], roughDuration)],
    [
      'toDate',
      f(['string', 'string'], (layout: string, s: string) => {
        try {
          return parseInLocal(layout, s);
        } catch (e) {
          if (e instanceof GoFuncError) return ZERO_TIME;
          throw e;
        }
      }),
    ],
    ['mustToDate', f(['string', 'string'], parseInLocal)],
    ['unixEpoch', f(['time.Time'], (t: GoTimeValue) => t.unix().toString())],
    ['must_date_modify', mustDateModify],
    ['mustDateModify', mustDateModify],
    [
      'randInt',
      f(['int', 'int'], (min: GoInt, max: GoInt) => {
        const span = max.v - min.v;
        if (span <= 0n) fail('invalid argument to Intn');
        return new GoInt('int', BigInt(randomInt(Number(span))) + min.v);
      }),
    ],
    [
      'shuffle',
      f(['string'], (s: string) => {
        const chars = Array.from(s);
        for (let i = chars.length - 1; i > 0; i--) {
          const j = randomInt(i + 1);
          [chars[i], chars[j]] = [chars[j], chars[i]];
        }
        return chars.join('');
      }),
    ],
  ];
}

function helmExtras(): [string, GoFunc][] {
  const tomlUnsupported = unsupported('toToml', 'TOML output is not implemented');
  return [
    ['toYaml', f(['any'], helmToYaml)],
    ['mustToYaml', f(['any'], mustToYaml)],
    ['toYamlPretty', unsupported('toYamlPretty', 'go-yaml v3 output is not implemented')],
    ['fromYaml', f(['string'], fromYamlMap)],
    ['fromYamlArray', f(['string'], fromYamlList)],
    ['toJson', f(['any'], helmToJson)],
    ['mustToJson', f(['any'], (v: unknown) => toJson(model, v, { escapeHtml: true }))],
    ['fromJson', f(['string'], fromJsonMap)],
    ['fromJsonArray', f(['string'], fromJsonList)],
    ['toToml', tomlUnsupported],
    ['mustToToml', unsupported('mustToToml', 'TOML output is not implemented')],
    ['fromToml', unsupported('fromToml', 'TOML parsing is not implemented')],
    ['mustToDuration', f(['any'], (v: unknown) => new GoDurationValue(asDuration(v)))],
    [
      'durationSeconds',
      f(
        ['any'],
        orZero(0, (d) => nsIn(d, SECOND)),
      ),
    ],
    [
      'durationMilliseconds',
      f(
        ['any'],
        orZero(int64(0), (d) => int64(d / MILLISECOND)),
      ),
    ],
    [
      'durationMicroseconds',
      f(
        ['any'],
        orZero(int64(0), (d) => int64(d / MICROSECOND)),
      ),
    ],
    [
      'durationNanoseconds',
      f(
        ['any'],
        orZero(int64(0), (d) => int64(d)),
      ),
    ],
    [
      'durationMinutes',
      f(
        ['any'],
        orZero(0, (d) => nsIn(d, MINUTE)),
      ),
    ],
    [
      'durationHours',
      f(
        ['any'],
        orZero(0, (d) => nsIn(d, HOUR)),
      ),
    ],
    [
      'durationDays',
      f(
        ['any'],
        orZero(0, (d) => nsIn(d, HOUR) / 24),
      ),
    ],
    [
      'durationWeeks',
      f(
        ['any'],
        orZero(0, (d) => nsIn(d, HOUR) / 24 / 7),
      ),
    ],
    ['durationRoundTo', f(['any', 'any'], durationTo(durationRound))],
    ['durationTruncateTo', f(['any', 'any'], durationTo(durationTruncate))],
  ];
}

/** Helm's function map minus include, tpl, required and lookup; a new object each call. */
export function helmFunctions(): GoFuncMap {
  const map: GoFuncMap = Object.create(null);
  Object.assign(map, hermeticSprigFuncs);
  for (const [name, fn] of [...nonHermetic(), ...clockAndRandom(), ...helmExtras()]) map[name] = fn;
  return map;
}
