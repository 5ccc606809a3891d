/** Type conversions as sprig does them (spf13/cast): `int`, `int64`, `float64`, `atoi`, `toDecimal`. */
import { isNil, type ValueModel } from './value-model.js';

const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

/** cast's trimZeroDecimal: "1.0" -> "1", "1.50" stays. */
function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === '0') foundZero = true;
    else return s;
  }
  return s;
}

/** cast.ToInt64: numbers truncate, strings parse (base prefixes, `_`, "1.0"), anything else 0. */
export function toInt64(model: ValueModel, v: unknown): bigint {
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt.asIntN(64, BigInt(Math.trunc(v))) : MIN_INT64;
  if (typeof v === 'string') return parseInt64(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (isNil(v)) return 0n;
  return model.intValue(v) ?? 0n;
}

function parseInt64(text: string): bigint {
  const s = trimZeroDecimal(text);
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO]?[0-7_]*|[1-9][0-9_]*)$/.exec(s);
  if (!m || /__|_$/.test(m[2])) return 0n;
  let body = m[2].replace(/_/g, '');
  if (/^0[0-7]+$/.test(body)) body = `0o${body.slice(1)}`;
  if (/^0[oO]$/.test(body)) return 0n;
  const n = BigInt(body) * (m[1] === '-' ? -1n : 1n);
  return n >= MIN_INT64 && n <= MAX_INT64 ? n : 0n;
}

/** cast.ToFloat64. */
export function toFloat64(model: ValueModel, v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return parseFloat64(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isNil(v)) return 0;
  const int = model.intValue(v);
  return int === undefined ? 0 : Number(int);
}

function parseFloat64(v: string): number {
  const s = v.replace(/_/g, '');
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) && !/^_|_$/.test(v)) return Number(s);
  if (/^[+-]?(inf|infinity)$/i.test(v)) return v.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(v)) return Number.NaN;
  return 0;
}

/** strconv.Atoi as sprig's `atoi` uses it: anything but a plain decimal integer is 0. */
export function atoi(s: string): bigint {
  return /^[+-]?\d+$/.test(s) ? BigInt.asIntN(64, BigInt(s)) : 0n;
}

/** sprig's `toDecimal`: the value's text read as an octal number, else 0. */
export function octalToDecimal(text: string): bigint {
  if (!/^[+-]?[0-7]+$/.test(text)) return 0n;
  return BigInt.asIntN(64, BigInt(`${text.startsWith('-') ? '-' : ''}0o${text.replace(/^[+-]/, '')}`));
}
