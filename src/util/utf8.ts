/**
 * Strict UTF-8 decoding of input bytes: invalid UTF-8 is an error with its place (byte offset,
 * line and column), where Node's decoders would put U+FFFD in its stead without a word.
 */
import { isUtf8 } from 'node:buffer';
import { ClustermintError } from './errors.js';

/**
 * The byte offset where the first invalid sequence starts, or -1 when all is valid UTF-8
 * (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const cont = (i: number, lo = 0x80, hi = 0xbf) => i < bytes.length && bytes[i] >= lo && bytes[i] <= hi;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let n: number;
    if (b < 0x80) n = 1;
    else if (b >= 0xc2 && b <= 0xdf) n = cont(i + 1) ? 2 : 0;
    else if (b >= 0xe0 && b <= 0xef) {
      const [lo, hi] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
      n = cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
    } else if (b >= 0xf0 && b <= 0xf4) {
      const [lo, hi] = b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
      n = cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    } else n = 0;
    if (n === 0) return i;
    i += n;
  }
  return -1;
}

/** The text of `bytes`, which must be UTF-8; else an INVALID_UTF8 error naming `file` and the place. */
export function decodeUtf8Strict(bytes: Uint8Array, file: string): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buf)) return buf.toString('utf8');
  const offset = firstInvalidUtf8(buf);
  const lineStart = buf.lastIndexOf(0x0a, offset - 1) + 1;
  let line = 1;
  for (let i = buf.indexOf(0x0a); i !== -1 && i < offset; i = buf.indexOf(0x0a, i + 1)) line++;
  // the line up to the bad byte is valid: its characters give the column
  const col = Array.from(buf.subarray(lineStart, offset).toString('utf8')).length + 1;
  const hex = buf[offset].toString(16).padStart(2, '0');
  throw new ClustermintError(
    'INVALID_UTF8',
    `invalid UTF-8 at byte offset ${offset} (byte 0x${hex}, line ${line}, column ${col}): input must be UTF-8 text`,
    { file, line, col },
  );
}
