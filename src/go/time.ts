/**
 * The parts of Go's time package the kyverno functions use: time.Parse with Go reference
 * layouts (and Go's error texts), RFC 3339 formatting, Sub, Add and Truncate.
 * A time is Unix seconds + nanoseconds + the zone offset it is displayed in.
 * Zone abbreviations (MST, CET, …) resolve as if the local zone were UTC: unknown names get
 * offset 0 (GMT±h is honoured), as in a container without a matching local zone.
 */
import { timeQuote } from './duration.js';

export interface GoTime {
  /** Unix seconds (integer). */
  readonly sec: number;
  /** 0..999999999 */
  readonly nsec: number;
  /** Zone offset in seconds east of UTC. */
  readonly offset: number;
}

export class TimeParseError extends Error {}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
function daysIn(m: number, y: number): number {
  if (m === 2) return isLeap(y) ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}
const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

/** time.Date normalising overflowing fields (only seconds/nanos matter here). */
function date(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ns: number,
  offset: number,
): GoTime {
  const days = daysFromCivil(y, mo, d);
  return { sec: days * 86400 + h * 3600 + mi * 60 + s - offset, nsec: ns, offset };
}

/** Calendar fields of t in its own zone. */
export function fields(t: GoTime): {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
} {
  const local = t.sec + t.offset;
  const days = Math.floor(local / 86400);
  const rem = local - days * 86400;
  const [year, month, day] = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: Math.floor(rem / 3600),
    minute: Math.floor((rem % 3600) / 60),
    second: rem % 60,
    weekday: (((days + 4) % 7) + 7) % 7,
  };
}

const pad = (n: number, w: number) =>
  n < 0 ? `-${String(-n).padStart(w, '0')}` : String(n).padStart(w, '0');

/** t.Format(time.RFC3339). */
export function formatRFC3339(t: GoTime): string {
  const f = fields(t);
  let zone = 'Z';
  if (t.offset !== 0) {
    const m = Math.trunc(Math.abs(t.offset) / 60);
    zone = `${t.offset < 0 ? '-' : '+'}${pad(Math.trunc(m / 60), 2)}:${pad(m % 60, 2)}`;
  }
  return `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}T${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}${zone}`;
}

export const RFC3339 = '2006-01-02T15:04:05Z07:00';

type Std =
  | 'LongMonth'
  | 'Month'
  | 'NumMonth'
  | 'ZeroMonth'
  | 'LongWeekDay'
  | 'WeekDay'
  | 'Day'
  | 'UnderDay'
  | 'ZeroDay'
  | 'UnderYearDay'
  | 'ZeroYearDay'
  | 'Hour'
  | 'Hour12'
  | 'ZeroHour12'
  | 'Minute'
  | 'ZeroMinute'
  | 'Second'
  | 'ZeroSecond'
  | 'LongYear'
  | 'Year'
  | 'PM'
  | 'pm'
  | 'TZ'
  | 'ISO8601TZ'
  | 'ISO8601SecondsTZ'
  | 'ISO8601ShortTZ'
  | 'ISO8601ColonTZ'
  | 'ISO8601ColonSecondsTZ'
  | 'NumTZ'
  | 'NumSecondsTz'
  | 'NumShortTZ'
  | 'NumColonTZ'
  | 'NumColonSecondsTZ'
  | 'FracSecond0'
  | 'FracSecond9';

interface Chunk {
  prefix: string;
  std?: Std;
  /** digits of a fractional second */
  n?: number;
  stdstr: string;
  suffix: string;
}

const STD0X: Std[] = ['ZeroMonth', 'ZeroDay', 'ZeroHour12', 'ZeroMinute', 'ZeroSecond', 'Year'];
const lowerAt = (s: string, i: number) => i < s.length && s[i] >= 'a' && s[i] <= 'z';
const digitAt = (s: string, i: number) => i < s.length && s[i] >= '0' && s[i] <= '9';

/** nextStdChunk. */
function nextStdChunk(layout: string): Chunk {
  const at = (i: number, std: Std, len: number, n?: number): Chunk => ({
    prefix: layout.slice(0, i),
    std,
    n,
    stdstr: layout.slice(i, i + len),
    suffix: layout.slice(i + len),
  });
  const has = (i: number, s: string) => layout.startsWith(s, i);
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i];
    switch (c) {
      case 'J':
        if (has(i, 'Jan')) {
          if (has(i, 'January')) return at(i, 'LongMonth', 7);
          if (!lowerAt(layout, i + 3)) return at(i, 'Month', 3);
        }
        break;
      case 'M':
        if (has(i, 'Mon')) {
          if (has(i, 'Monday')) return at(i, 'LongWeekDay', 6);
          if (!lowerAt(layout, i + 3)) return at(i, 'WeekDay', 3);
        }
        if (has(i, 'MST')) return at(i, 'TZ', 3);
        break;
      case '0':
        if (i + 1 < layout.length && layout[i + 1] >= '1' && layout[i + 1] <= '6') {
          return at(i, STD0X[layout.charCodeAt(i + 1) - 49], 2);
        }
        if (has(i, '002')) return at(i, 'ZeroYearDay', 3);
        break;
      case '1':
        if (has(i, '15')) return at(i, 'Hour', 2);
        return at(i, 'NumMonth', 1);
      case '2':
        if (has(i, '2006')) return at(i, 'LongYear', 4);
        return at(i, 'Day', 1);
      case '_':
        if (has(i, '_2')) {
          if (has(i + 1, '2006')) return { ...at(i + 1, 'LongYear', 4), prefix: layout.slice(0, i + 1) };
          return at(i, 'UnderDay', 2);
        }
        if (has(i, '__2')) return at(i, 'UnderYearDay', 3);
        break;
      case '3':
        return at(i, 'Hour12', 1);
      case '4':
        return at(i, 'Minute', 1);
      case '5':
        return at(i, 'Second', 1);
      case 'P':
        if (has(i, 'PM')) return at(i, 'PM', 2);
        break;
      case 'p':
        if (has(i, 'pm')) return at(i, 'pm', 2);
        break;
      case '-':
        if (has(i, '-070000')) return at(i, 'NumSecondsTz', 7);
        if (has(i, '-07:00:00')) return at(i, 'NumColonSecondsTZ', 9);
        if (has(i, '-0700')) return at(i, 'NumTZ', 5);
        if (has(i, '-07:00')) return at(i, 'NumColonTZ', 6);
        if (has(i, '-07')) return at(i, 'NumShortTZ', 3);
        break;
      case 'Z':
        if (has(i, 'Z070000')) return at(i, 'ISO8601SecondsTZ', 7);
        if (has(i, 'Z07:00:00')) return at(i, 'ISO8601ColonSecondsTZ', 9);
        if (has(i, 'Z0700')) return at(i, 'ISO8601TZ', 5);
        if (has(i, 'Z07:00')) return at(i, 'ISO8601ColonTZ', 6);
        if (has(i, 'Z07')) return at(i, 'ISO8601ShortTZ', 3);
        break;
      case '.':
      case ',':
        if (i + 1 < layout.length && (layout[i + 1] === '0' || layout[i + 1] === '9')) {
          const ch = layout[i + 1];
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!digitAt(layout, j))
            return at(i, ch === '9' ? 'FracSecond9' : 'FracSecond0', j - i, j - (i + 1));
        }
        break;
    }
  }
  return { prefix: layout, stdstr: '', suffix: '' };
}

class Bad extends Error {}

function getnum(s: string, fixed: boolean): [number, string] {
  if (!digitAt(s, 0)) throw new Bad();
  if (!digitAt(s, 1)) {
    if (fixed) throw new Bad();
    return [s.charCodeAt(0) - 48, s.slice(1)];
  }
  return [(s.charCodeAt(0) - 48) * 10 + s.charCodeAt(1) - 48, s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] {
  let n = 0;
  let i = 0;
  for (; i < 3 && digitAt(s, i); i++) n = n * 10 + s.charCodeAt(i) - 48;
  if (i === 0 || (fixed && i !== 3)) throw new Bad();
  return [n, s.slice(i)];
}

function atoi(s: string): number {
  const m = /^([+-]?)(\d+)$/.exec(s);
  if (!m) throw new Bad();
  const v = Number(m[2]);
  return m[1] === '-' ? -v : v;
}

function skip(value: string, prefix: string): string {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') throw new Bad();
      prefix = prefix.replace(/^ +/, '');
      value = value.replace(/^ +/, '');
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) throw new Bad();
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

function lookup(tab: string[], val: string): [number, string] {
  for (let i = 0; i < tab.length; i++) {
    const v = tab[i];
    if (val.length >= v.length && val.slice(0, v.length).toLowerCase() === v.toLowerCase()) {
      const ok = [...v].every((c, k) => c === val[k] || /[a-zA-Z]/.test(c));
      if (ok) return [i, val.slice(v.length)];
    }
  }
  throw new Bad();
}

function parseNanoseconds(value: string, nbytes: number): [number, string] {
  if (value[0] !== '.' && value[0] !== ',') throw new Bad();
  if (nbytes > 10) {
    value = value.slice(0, 10);
    nbytes = 10;
  }
  let ns = atoi(value.slice(1, nbytes));
  if (ns < 0) return [0, 'fractional second'];
  for (let i = 0; i < 10 - nbytes; i++) ns *= 10;
  return [ns, ''];
}

function parseSignedOffset(value: string): number {
  if (value[0] !== '-' && value[0] !== '+') return 0;
  const m = /^\d+/.exec(value.slice(1));
  if (!m || Number(m[0]) > 23) return 0;
  return 1 + m[0].length;
}

function parseTimeZone(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4;
  if (value.startsWith('GMT')) return value.length === 3 ? 3 : 3 + parseSignedOffset(value.slice(3));
  if (value[0] === '+' || value[0] === '-') return parseSignedOffset(value);
  let n = 0;
  while (n < 6 && n < value.length && value[n] >= 'A' && value[n] <= 'Z') n++;
  if (n === 5) return value[4] === 'T' ? 5 : 0;
  if (n === 4) return value[3] === 'T' || value.startsWith('WITA') ? 4 : 0;
  if (n === 3) return 3;
  return 0;
}

/** time.Parse(layout, value). */
export function goParseTime(layout: string, value: string): GoTime {
  const alayout = layout;
  const avalue = value;
  const err = (layoutElem: string, valueElem: string, message: string) =>
    new TimeParseError(
      message === ''
        ? `parsing time ${timeQuote(avalue)} as ${timeQuote(alayout)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`
        : `parsing time ${timeQuote(avalue)}${message}`,
    );
  let rangeErr = '';
  let amSet = false;
  let pmSet = false;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let utc = false;
  let zoneOffset: number | undefined;
  let zoneName = '';

  for (;;) {
    const { prefix, std, n, stdstr, suffix } = nextStdChunk(layout);
    try {
      value = skip(value, prefix);
    } catch {
      throw err(prefix, value, '');
    }
    if (std === undefined) {
      if (value.length !== 0) throw err('', value, `: extra text: ${timeQuote(value)}`);
      break;
    }
    layout = suffix;
    const hold = value;
    try {
      switch (std) {
        case 'Year': {
          if (value.length < 2) throw new Bad();
          year = atoi(value.slice(0, 2));
          value = value.slice(2);
          year += year >= 69 ? 1900 : 2000;
          break;
        }
        case 'LongYear':
          if (value.length < 4 || !digitAt(value, 0)) throw new Bad();
          year = atoi(value.slice(0, 4));
          value = value.slice(4);
          break;
        case 'Month':
          [month, value] = lookup(
            MONTHS.map((m) => m.slice(0, 3)),
            value,
          );
          month++;
          break;
        case 'LongMonth':
          [month, value] = lookup(MONTHS, value);
          month++;
          break;
        case 'NumMonth':
        case 'ZeroMonth':
          [month, value] = getnum(value, std === 'ZeroMonth');
          if (month <= 0 || month > 12) rangeErr = 'month';
          break;
        case 'WeekDay':
          [, value] = lookup(
            DAYS.map((d) => d.slice(0, 3)),
            value,
          );
          break;
        case 'LongWeekDay':
          [, value] = lookup(DAYS, value);
          break;
        case 'Day':
        case 'UnderDay':
        case 'ZeroDay':
          if (std === 'UnderDay' && value[0] === ' ') value = value.slice(1);
          [day, value] = getnum(value, std === 'ZeroDay');
          break;
        case 'UnderYearDay':
        case 'ZeroYearDay':
          for (let i = 0; i < 2; i++) if (std === 'UnderYearDay' && value[0] === ' ') value = value.slice(1);
          [yday, value] = getnum3(value, std === 'ZeroYearDay');
          break;
        case 'Hour':
          [hour, value] = getnum(value, false);
          if (hour < 0 || hour >= 24) rangeErr = 'hour';
          break;
        case 'Hour12':
        case 'ZeroHour12':
          [hour, value] = getnum(value, std === 'ZeroHour12');
          if (hour < 0 || hour > 12) rangeErr = 'hour';
          break;
        case 'Minute':
        case 'ZeroMinute':
          [min, value] = getnum(value, std === 'ZeroMinute');
          if (min < 0 || min >= 60) rangeErr = 'minute';
          break;
        case 'Second':
        case 'ZeroSecond': {
          [sec, value] = getnum(value, std === 'ZeroSecond');
          if (sec < 0 || sec >= 60) {
            rangeErr = 'second';
            break;
          }
          if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && digitAt(value, 1)) {
            const next = nextStdChunk(layout).std;
            if (next === 'FracSecond0' || next === 'FracSecond9') break;
            let k = 2;
            while (k < value.length && digitAt(value, k)) k++;
            [nsec, rangeErr] = parseNanoseconds(value, k);
            value = value.slice(k);
          }
          break;
        }
        case 'PM':
        case 'pm': {
          if (value.length < 2) throw new Bad();
          const p = value.slice(0, 2);
          value = value.slice(2);
          if (p === (std === 'PM' ? 'PM' : 'pm')) pmSet = true;
          else if (p === (std === 'PM' ? 'AM' : 'am')) amSet = true;
          else throw new Bad();
          break;
        }
        case 'TZ': {
          if (value.startsWith('UTC')) {
            utc = true;
            value = value.slice(3);
            break;
          }
          const len = parseTimeZone(value);
          if (len === 0) throw new Bad();
          zoneName = value.slice(0, len);
          value = value.slice(len);
          break;
        }
        case 'FracSecond0': {
          const ndigit = 1 + (n ?? 0);
          if (value.length < ndigit) throw new Bad();
          [nsec, rangeErr] = parseNanoseconds(value, ndigit);
          value = value.slice(ndigit);
          break;
        }
        case 'FracSecond9': {
          if (value.length < 2 || !(value[0] === '.' || value[0] === ',') || !digitAt(value, 1)) break;
          let i = 0;
          while (i + 1 < value.length && digitAt(value, i + 1)) i++;
          [nsec, rangeErr] = parseNanoseconds(value, 1 + i);
          value = value.slice(1 + i);
          break;
        }
        default: {
          // numeric zones, with the ISO 8601 `Z` variants
          if (std.startsWith('ISO8601') && value[0] === 'Z') {
            value = value.slice(1);
            utc = true;
            break;
          }
          let sign: string;
          let hh: string;
          let mm = '00';
          let ss = '00';
          if (std === 'ISO8601ColonTZ' || std === 'NumColonTZ') {
            if (value.length < 6 || value[3] !== ':') throw new Bad();
            [sign, hh, mm, value] = [value[0], value.slice(1, 3), value.slice(4, 6), value.slice(6)];
          } else if (std === 'NumShortTZ' || std === 'ISO8601ShortTZ') {
            if (value.length < 3) throw new Bad();
            [sign, hh, value] = [value[0], value.slice(1, 3), value.slice(3)];
          } else if (std === 'ISO8601ColonSecondsTZ' || std === 'NumColonSecondsTZ') {
            if (value.length < 9 || value[3] !== ':' || value[6] !== ':') throw new Bad();
            [sign, hh, mm, ss, value] = [
              value[0],
              value.slice(1, 3),
              value.slice(4, 6),
              value.slice(7, 9),
              value.slice(9),
            ];
          } else if (std === 'ISO8601SecondsTZ' || std === 'NumSecondsTz') {
            if (value.length < 7) throw new Bad();
            [sign, hh, mm, ss, value] = [
              value[0],
              value.slice(1, 3),
              value.slice(3, 5),
              value.slice(5, 7),
              value.slice(7),
            ];
          } else {
            if (value.length < 5) throw new Bad();
            [sign, hh, mm, value] = [value[0], value.slice(1, 3), value.slice(3, 5), value.slice(5)];
          }
          const [h] = getnum(hh, true);
          const [m] = getnum(mm, true);
          const [s] = getnum(ss, true);
          if (h > 24) rangeErr = 'time zone offset hour';
          if (m > 60) rangeErr = 'time zone offset minute';
          if (s > 60) rangeErr = 'time zone offset second';
          zoneOffset = (h * 60 + m) * 60 + s;
          if (sign === '-') zoneOffset = -zoneOffset;
          else if (sign !== '+') throw new Bad();
          break;
        }
      }
    } catch (e) {
      if (!(e instanceof Bad)) throw e;
      if (rangeErr !== '') throw err(stdstr, value, `: ${rangeErr} out of range`);
      throw err(stdstr, hold, '');
    }
    if (rangeErr !== '') throw err(stdstr, value, `: ${rangeErr} out of range`);
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;

  if (yday >= 0) {
    let d = 0;
    let m = 0;
    if (isLeap(year)) {
      if (yday === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) yday--;
    }
    if (yday < 1 || yday > 365) throw err('', value, ': day-of-year out of range');
    if (m === 0) {
      m = Math.floor((yday - 1) / 31) + 1;
      if (DAYS_BEFORE[m] < yday) m++;
      d = yday - DAYS_BEFORE[m - 1];
    }
    if (month >= 0 && month !== m) throw err('', value, ': day-of-year does not match month');
    month = m;
    if (day >= 0 && day !== d) throw err('', value, ': day-of-year does not match day');
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) throw err('', value, ': day out of range');

  if (utc) return date(year, month, day, hour, min, sec, nsec, 0);
  if (zoneOffset !== undefined) return date(year, month, day, hour, min, sec, nsec, zoneOffset);
  if (zoneName !== '') {
    let offset = 0;
    if (zoneName.length > 3 && zoneName.startsWith('GMT')) offset = Number(zoneName.slice(3)) * 3600;
    return date(year, month, day, hour, min, sec, nsec, offset);
  }
  return date(year, month, day, hour, min, sec, nsec, 0);
}

/** Nanoseconds t2 − t1, saturated to int64 like Time.Sub. */
export function timeSub(t2: GoTime, t1: GoTime): bigint {
  const d = (BigInt(t2.sec) - BigInt(t1.sec)) * 1_000_000_000n + BigInt(t2.nsec - t1.nsec);
  const max = (1n << 63n) - 1n;
  if (d > max) return max;
  if (d < -max - 1n) return -max - 1n;
  return d;
}

function fromNanos(total: bigint, offset: number): GoTime {
  const sec = total / 1_000_000_000n - (total % 1_000_000_000n < 0n ? 1n : 0n);
  return { sec: Number(sec), nsec: Number(total - sec * 1_000_000_000n), offset };
}

const toNanos = (t: GoTime) => BigInt(t.sec) * 1_000_000_000n + BigInt(t.nsec);

export function timeAdd(t: GoTime, d: bigint): GoTime {
  return fromNanos(toNanos(t) + d, t.offset);
}

/** Seconds from the zero Time (Jan 1, year 1, UTC) to the Unix epoch. */
const ZERO_TO_UNIX = 62135596800n;

/** Time.Truncate(d): round down to a multiple of d since the zero time. */
export function timeTruncate(t: GoTime, d: bigint): GoTime {
  if (d <= 0n) return t;
  const abs = toNanos(t) + ZERO_TO_UNIX * 1_000_000_000n;
  const r = ((abs % d) + d) % d;
  return fromNanos(toNanos(t) - r, t.offset);
}

export function now(utc: boolean): GoTime {
  const ms = Date.now();
  const offset = utc ? 0 : -new Date(ms).getTimezoneOffset() * 60;
  return { sec: Math.floor(ms / 1000), nsec: (ms % 1000) * 1_000_000, offset };
}

export const before = (a: GoTime, b: GoTime) => toNanos(a) < toNanos(b);
export const after = (a: GoTime, b: GoTime) => toNanos(a) > toNanos(b);

/** The day of the year (1..366) of t in its own zone. */
function yearDay(t: GoTime): number {
  const f = fields(t);
  return DAYS_BEFORE[f.month - 1] + f.day + (f.month > 2 && isLeap(f.year) ? 1 : 0);
}

/**
 * t.Format(layout) with Go's reference layouts. `zone` is the zone's abbreviation (`MST`);
 * when empty, `MST` prints the offset as Go does for unnamed zones (`-0700`).
 */
export function goFormatTime(t: GoTime, layout: string, zone = ''): string {
  const f = fields(t);
  let out = '';
  let rest = layout;
  while (rest !== '') {
    const chunk = nextStdChunk(rest);
    out += chunk.prefix;
    if (chunk.std === undefined) break;
    rest = chunk.suffix;
    out += formatStd(t, f, chunk, zone);
  }
  return out;
}

function formatStd(t: GoTime, f: ReturnType<typeof fields>, chunk: Chunk, zone: string): string {
  const hour12 = f.hour % 12 === 0 ? 12 : f.hour % 12;
  switch (chunk.std!) {
    case 'Year':
      return pad(((f.year % 100) + 100) % 100, 2);
    case 'LongYear':
      return pad(f.year, 4);
    case 'Month':
      return MONTHS[f.month - 1].slice(0, 3);
    case 'LongMonth':
      return MONTHS[f.month - 1];
    case 'NumMonth':
      return String(f.month);
    case 'ZeroMonth':
      return pad(f.month, 2);
    case 'WeekDay':
      return DAYS[f.weekday].slice(0, 3);
    case 'LongWeekDay':
      return DAYS[f.weekday];
    case 'Day':
      return String(f.day);
    case 'UnderDay':
      return f.day < 10 ? ` ${f.day}` : String(f.day);
    case 'ZeroDay':
      return pad(f.day, 2);
    case 'UnderYearDay': {
      const d = yearDay(t);
      return d < 10 ? `  ${d}` : d < 100 ? ` ${d}` : String(d);
    }
    case 'ZeroYearDay':
      return pad(yearDay(t), 3);
    case 'Hour':
      return pad(f.hour, 2);
    case 'Hour12':
      return String(hour12);
    case 'ZeroHour12':
      return pad(hour12, 2);
    case 'Minute':
      return String(f.minute);
    case 'ZeroMinute':
      return pad(f.minute, 2);
    case 'Second':
      return String(f.second);
    case 'ZeroSecond':
      return pad(f.second, 2);
    case 'PM':
      return f.hour >= 12 ? 'PM' : 'AM';
    case 'pm':
      return f.hour >= 12 ? 'pm' : 'am';
    case 'FracSecond0': {
      const digits = String(t.nsec).padStart(9, '0').slice(0, chunk.n);
      return `${chunk.stdstr[0]}${digits}`;
    }
    case 'FracSecond9': {
      const digits = String(t.nsec).padStart(9, '0').slice(0, chunk.n).replace(/0+$/, '');
      return digits === '' ? '' : `${chunk.stdstr[0]}${digits}`;
    }
    case 'TZ':
      if (zone !== '') return zone;
      return formatOffset(t.offset, false, false, false);
    default:
      return formatZoneStd(chunk.std!, t.offset);
  }
}

function formatZoneStd(std: Std, offset: number): string {
  const iso = std.startsWith('ISO8601');
  if (iso && offset === 0) return 'Z';
  const colon = std.includes('Colon');
  const seconds = std.includes('Seconds') || std === 'NumSecondsTz';
  const short = std.includes('Short');
  return formatOffset(offset, colon, seconds, short);
}

function formatOffset(offset: number, colon: boolean, seconds: boolean, short: boolean): string {
  const abs = Math.abs(offset);
  const sign = offset < 0 ? '-' : '+';
  const h = pad(Math.trunc(abs / 3600), 2);
  const m = pad(Math.trunc(abs / 60) % 60, 2);
  const s = pad(abs % 60, 2);
  if (short) return `${sign}${h}`;
  const sep = colon ? ':' : '';
  return `${sign}${h}${sep}${m}${seconds ? `${sep}${s}` : ''}`;
}
