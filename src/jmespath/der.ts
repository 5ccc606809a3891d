/** A minimal ASN.1 DER reader for X.509 certificates and CSRs. */

export class DerError extends Error {}

export interface Tlv {
  /** Tag class (0 universal, 1 application, 2 context, 3 private). */
  cls: number;
  constructed: boolean;
  tag: number;
  /** The whole element. */
  full: Uint8Array;
  /** The content octets. */
  body: Uint8Array;
}

export function readTlv(buf: Uint8Array, pos = 0): [Tlv, number] {
  if (pos + 2 > buf.length) throw new DerError('truncated');
  const first = buf[pos];
  let tag = first & 0x1f;
  let i = pos + 1;
  if (tag === 0x1f) {
    tag = 0;
    do {
      if (i >= buf.length) throw new DerError('truncated tag');
      tag = tag * 128 + (buf[i] & 0x7f);
    } while (buf[i++] & 0x80);
  }
  if (i >= buf.length) throw new DerError('truncated length');
  let len = buf[i++];
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || i + n > buf.length) throw new DerError('bad length');
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + buf[i++];
  }
  if (i + len > buf.length) throw new DerError('truncated content');
  const tlv: Tlv = {
    cls: first >> 6,
    constructed: (first & 0x20) !== 0,
    tag,
    full: buf.subarray(pos, i + len),
    body: buf.subarray(i, i + len),
  };
  return [tlv, i + len];
}

/** The elements of a constructed value. */
export function children(t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let pos = 0;
  while (pos < t.body.length) {
    const [c, next] = readTlv(t.body, pos);
    out.push(c);
    pos = next;
  }
  return out;
}

export function expect(t: Tlv | undefined, cls: number, tag: number): Tlv {
  if (!t || t.cls !== cls || t.tag !== tag) throw new DerError(`unexpected element`);
  return t;
}

export const SEQUENCE = 16;
export const SET = 17;

export function oid(t: Tlv): number[] {
  if (t.tag !== 6 || t.cls !== 0) throw new DerError('not an OID');
  const b = t.body;
  const out: number[] = [];
  let v = 0;
  for (let i = 0; i < b.length; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if (!(b[i] & 0x80)) {
      if (out.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        out.push(first, v - first * 40);
      } else out.push(v);
      v = 0;
    }
  }
  return out;
}

export function integer(t: Tlv): bigint {
  if (t.tag !== 2 || t.cls !== 0 || t.body.length === 0) throw new DerError('not an INTEGER');
  let v = 0n;
  for (const byte of t.body) v = (v << 8n) | BigInt(byte);
  if (t.body[0] & 0x80) v -= 1n << BigInt(8 * t.body.length);
  return v;
}

export function bitString(t: Tlv): { bytes: Uint8Array; bitLength: number } {
  if (t.tag !== 3 || t.body.length === 0) throw new DerError('not a BIT STRING');
  const unused = t.body[0];
  const bytes = t.body.subarray(1);
  return { bytes, bitLength: bytes.length * 8 - unused };
}

export function boolean(t: Tlv): boolean {
  if (t.tag !== 1 || t.body.length !== 1) throw new DerError('not a BOOLEAN');
  return t.body[0] !== 0;
}

/** A string value (Printable, UTF8, IA5, T61, BMP, Numeric, Visible, Universal). */
export function stringValue(t: Tlv): string | undefined {
  if (t.cls !== 0) return undefined;
  switch (t.tag) {
    case 12:
      return Buffer.from(t.body).toString('utf8');
    case 19:
    case 22:
    case 18:
    case 26:
      return Buffer.from(t.body).toString('latin1');
    case 20:
      return Buffer.from(t.body).toString('latin1');
    case 30: {
      let s = '';
      for (let i = 0; i + 1 < t.body.length; i += 2)
        s += String.fromCharCode((t.body[i] << 8) | t.body[i + 1]);
      return s;
    }
    default:
      return undefined;
  }
}

const base64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

export { base64 };
