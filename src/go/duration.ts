/** Go time.Duration (int64 nanoseconds as bigint): ParseDuration and String. */

export const NANOSECOND = 1n;
export const MICROSECOND = 1000n;
export const MILLISECOND = 1_000_000n;
export const SECOND = 1_000_000_000n;
export const MINUTE = 60n * SECOND;
export const HOUR = 60n * MINUTE;

const MAX_U = 1n << 63n;

const UNITS: Record<string, bigint> = {
  ns: NANOSECOND,
  us: MICROSECOND,
  µs: MICROSECOND,
  μs: MICROSECOND,
  ms: MILLISECOND,
  s: SECOND,
  m: MINUTE,
  h: HOUR,
};

/** The `quote` of Go's time package: non-ASCII and control bytes as `\xNN`. */
export function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x80 || c < 0x20) {
      for (const b of Buffer.from(ch, 'utf8')) out += `\\x${b.toString(16).padStart(2, '0')}`;
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return `${out}"`;
}

export class DurationError extends Error {}

/** time.ParseDuration. */
export function parseDuration(orig: string): bigint {
  let s = orig;
  let neg = false;
  const invalid = () => new DurationError(`time: invalid duration ${timeQuote(orig)}`);
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let d = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0] >= '0' && s[0] <= '9'))) throw invalid();
    let k = 0;
    let v = 0n;
    while (k < s.length && s[k] >= '0' && s[k] <= '9') {
      v = v * 10n + BigInt(s.charCodeAt(k) - 48);
      if (v > MAX_U) throw invalid();
      k++;
    }
    const pre = k > 0;
    s = s.slice(k);
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s !== '' && s[0] === '.') {
      s = s.slice(1);
      k = 0;
      let overflow = false;
      while (k < s.length && s[k] >= '0' && s[k] <= '9') {
        if (!overflow) {
          const y = f * 10n + BigInt(s.charCodeAt(k) - 48);
          if (f > (MAX_U - 1n) / 10n || y > MAX_U) overflow = true;
          else {
            f = y;
            scale *= 10;
          }
        }
        k++;
      }
      post = k > 0;
      s = s.slice(k);
    }
    if (!pre && !post) throw invalid();
    k = 0;
    while (k < s.length && !(s[k] === '.' || (s[k] >= '0' && s[k] <= '9'))) k++;
    if (k === 0) throw new DurationError(`time: missing unit in duration ${timeQuote(orig)}`);
    const u = s.slice(0, k);
    s = s.slice(k);
    const unit = UNITS[u];
    if (unit === undefined)
      throw new DurationError(`time: unknown unit ${timeQuote(u)} in duration ${timeQuote(orig)}`);
    if (v > MAX_U / unit) throw invalid();
    v *= unit;
    if (f > 0n) {
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > MAX_U) throw invalid();
    }
    d += v;
    if (d > MAX_U) throw invalid();
  }
  if (neg) return -d;
  if (d > MAX_U - 1n) throw invalid();
  return d;
}

function fmtFrac(v: bigint, prec: number): [string, bigint] {
  let out = '';
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print ||= digit !== 0n;
    if (print) out = digit.toString() + out;
    v /= 10n;
  }
  return [print ? `.${out}` : '', v];
}

/** time.Duration.String (e.g. `1h30m0s`, `1.5s`, `250ms`, `0s`). */
export function formatDuration(d: bigint): string {
  d = BigInt.asIntN(64, d);
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < SECOND) {
    if (u === 0n) return '0s';
    let prec: number;
    let unit: string;
    if (u < MICROSECOND) {
      prec = 0;
      unit = 'ns';
    } else if (u < MILLISECOND) {
      prec = 3;
      unit = 'µs';
    } else {
      prec = 6;
      unit = 'ms';
    }
    const [frac, rest] = fmtFrac(u, prec);
    out = `${rest}${frac}${unit}`;
  } else {
    const [frac, secs] = fmtFrac(u, 9);
    u = secs;
    out = `${u % 60n}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** Duration.Seconds(). */
export function durationSeconds(d: bigint): number {
  return Number(d / SECOND) + Number(d % SECOND) / 1e9;
}

/** Go's float64 → int64 conversion as time.Duration(f) on amd64 (out of range → MinInt64). */
export function durationFromFloat(ns: number): bigint {
  if (!Number.isFinite(ns) || ns >= 2 ** 63 || ns < -(2 ** 63)) return -(1n << 63n);
  return BigInt(Math.trunc(ns));
}
