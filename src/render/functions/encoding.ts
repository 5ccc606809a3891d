/**
 * sprig's base64 and base32 functions. Decoding failures are not errors in sprig: the
 * function returns Go's error text as its result.
 */
import { Base64Error, goBase64Decode } from '../../go/misc.js';

export const base64Encode = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export function base64Decode(s: string): string {
  try {
    return goBase64Decode(s).toString('utf8');
  } catch (e) {
    if (e instanceof Base64Error) return e.message;
    throw e;
  }
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(s: string): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

export function base32Decode(s: string): string {
  const body = s.replace(/=+$/, '');
  if (s.length % 8 !== 0 || /[^A-Z2-7]/.test(body)) {
    const bad = s.search(/[^A-Z2-7=]/);
    return `illegal base32 data at input byte ${Math.max(bad, 0)}`;
  }
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of body) {
    value = (value << 5) | BASE32.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out).toString('utf8');
}
