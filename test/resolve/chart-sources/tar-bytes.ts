/** Builds tar streams byte by byte, so tests can make archives no honest tool would write. */
import { gzipSync } from 'node:zlib';

export interface Entry {
  name: string;
  data?: string | Uint8Array;
  /** tar typeflag: '0' file, '1' hard link, '2' symlink, '5' folder, 'x' pax, 'L' GNU long name. */
  type?: string;
  linkname?: string;
  /** ustar prefix field */
  prefix?: string;
  /** The size to write in the header, when it should lie about the data. */
  size?: number;
}

function octal(n: number, len: number): string {
  return `${n.toString(8).padStart(len - 1, '0')}\0`;
}

export function header(e: Entry): Uint8Array {
  const h = new Uint8Array(512);
  const put = (off: number, s: string) => h.set(Buffer.from(s, 'utf8'), off);
  const data = typeof e.data === 'string' ? Buffer.from(e.data) : (e.data ?? new Uint8Array());
  put(0, e.name.slice(0, 100));
  put(100, octal(e.type === '5' ? 0o755 : 0o644, 8));
  put(108, octal(0, 8));
  put(116, octal(0, 8));
  put(124, octal(e.size ?? data.length, 12));
  put(136, octal(1_700_000_000, 12));
  put(156, e.type ?? '0');
  if (e.linkname) put(157, e.linkname);
  put(257, 'ustar\u000000');
  if (e.prefix) put(345, e.prefix);
  put(148, '        ');
  let sum = 0;
  for (const c of h) sum += c;
  put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

export function tar(entries: Entry[], end = true): Buffer {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const data = typeof e.data === 'string' ? Buffer.from(e.data) : (e.data ?? new Uint8Array());
    parts.push(header(e), data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  if (end) parts.push(new Uint8Array(1024));
  return Buffer.concat(parts);
}

export const tgz = (entries: Entry[]): Buffer => gzipSync(tar(entries));

/** A pax extended header record set. */
export function pax(records: Record<string, string>): string {
  let out = '';
  for (const [k, v] of Object.entries(records)) {
    const body = ` ${k}=${v}\n`;
    let len = body.length + 1;
    while (`${len}${body}`.length !== len) len = `${len}${body}`.length;
    out += `${len}${body}`;
  }
  return out;
}

export const CHART_YAML = 'apiVersion: v2\nname: demo\nversion: 0.1.0\n';
