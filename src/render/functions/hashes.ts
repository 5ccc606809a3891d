/** sprig's checksums: hex digests of the UTF-8 bytes, adler32 as a decimal number. */
import { createHash } from 'node:crypto';

const hexDigest = (algorithm: string) => (s: string) => createHash(algorithm).update(s, 'utf8').digest('hex');

export const sha1sum = hexDigest('sha1');
export const sha256sum = hexDigest('sha256');
export const sha512sum = hexDigest('sha512');

export function adler32sum(s: string): string {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s, 'utf8')) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return String(((b << 16) | a) >>> 0);
}
