/**
 * Reads a packaged chart (a gzip'd tar) into its files, the way Helm's LoadArchiveFiles does: the
 * first path segment (the chart's folder) is dropped, folders and pax headers are skipped, a path
 * that is absolute, climbs out with `..` or names a drive is refused with Helm's words, and a UTF-8
 * byte order mark is dropped from each file. Stricter than Helm on purpose: links, devices, fifos and
 * sparse files are refused (Helm would keep them as empty files; `helm package` never writes them).
 *
 * Limits: the decompressed stream is capped while it inflates (zlib's maxOutputLength), so a
 * decompression bomb stops at the cap instead of filling memory; file data is budgeted like Helm's
 * MaxDecompressedChartSize; a file and the number of entries have limits of their own.
 * Pure: no I/O besides node:zlib.
 */
import { gunzipSync } from 'node:zlib';
import { ClustermintError } from './errors.js';
import { LIMITS } from './limits.js';

/** One file of a chart: its path inside the chart ('/'-separated, chart folder stripped) and bytes. */
export interface ChartFile {
  readonly name: string;
  readonly data: Uint8Array;
}

export interface ArchiveLimits {
  /** Sum of the files' sizes (Helm's MaxDecompressedChartSize, 100 MiB). */
  maxTotalBytes: number;
  /** One file. Helm 4 no longer checks one (its 5 MiB MaxDecompressedFileSize is deprecated), so
   * the default is the project's file limit, which is above it. */
  maxFileBytes: number;
  /** Entries of the tar stream, folders and headers included. */
  maxEntries: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxTotalBytes: 100 * 1024 * 1024,
  maxFileBytes: LIMITS.maxFileBytes,
  maxEntries: 20_000,
};

const BLOCK = 512;
const BOM = [0xef, 0xbb, 0xbf];
const DRIVE = /^[a-zA-Z]:\//;

export function readChartArchive(
  bytes: Uint8Array,
  label: string,
  limits: Partial<ArchiveLimits> = {},
): ChartFile[] {
  const lim = { ...DEFAULT_ARCHIVE_LIMITS, ...limits };
  const fail = (code: 'UNREADABLE' | 'INVALID_CHART' | 'TOO_LARGE', message: string): never => {
    throw new ClustermintError(code, message, { file: label });
  };
  const tar = gunzip(bytes, lim, fail);
  const files: ChartFile[] = [];
  let remaining = lim.maxTotalBytes;
  let entries = 0;
  for (const entry of tarEntries(tar, fail)) {
    if (++entries > lim.maxEntries)
      fail('TOO_LARGE', `chart archive has more than ${lim.maxEntries} entries`);
    if (entry.kind === 'dir' || entry.kind === 'global') continue;
    const where = ` (entry ${JSON.stringify(entry.name)})`;
    if (entry.kind !== 'file') fail('INVALID_CHART', `chart archive contains a ${entry.kind}${where}`);
    const name = chartPath(entry.name, (m) => fail('INVALID_CHART', m));
    if (entry.size > lim.maxFileBytes)
      fail('TOO_LARGE', `file is ${entry.size} bytes, over the ${lim.maxFileBytes} bytes limit${where}`);
    if (entry.size > remaining || remaining - entry.size <= 0)
      fail('TOO_LARGE', `decompressed chart is larger than the maximum size ${lim.maxTotalBytes}`);
    remaining -= entry.size;
    let data = entry.data;
    if (data.length >= 3 && data[0] === BOM[0] && data[1] === BOM[1] && data[2] === BOM[2])
      data = data.subarray(3);
    files.push({ name, data });
  }
  if (files.length === 0) fail('INVALID_CHART', 'no files in chart archive');
  return files;
}

type Fail = (code: 'UNREADABLE' | 'INVALID_CHART' | 'TOO_LARGE', message: string) => never;

function gunzip(bytes: Uint8Array, lim: ArchiveLimits, fail: Fail): Buffer {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b)
    fail('UNREADABLE', 'not a chart archive: gzip: invalid header');
  // tar headers and padding come on top of the file data the budget counts
  const cap = lim.maxTotalBytes + Math.min(lim.maxEntries, 1 << 16) * 2 * BLOCK + 2 * BLOCK;
  try {
    return gunzipSync(bytes, { maxOutputLength: cap });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE')
      fail('TOO_LARGE', `decompressed chart is larger than the maximum size ${lim.maxTotalBytes}`);
    if (err.code === 'Z_BUF_ERROR') fail('UNREADABLE', 'chart archive is truncated: gzip: unexpected EOF');
    return fail('UNREADABLE', `chart archive is corrupt: gzip: ${err.message}`);
  }
}

/** Helm's path rules for an entry name; returns the path inside the chart. */
function chartPath(raw: string, fail: (m: string) => never): string {
  // an archive made on Windows may use backslashes
  const delimiter = raw.includes('\\') ? '\\' : '/';
  const parts = raw.split(delimiter);
  let n = parts.slice(1).join(delimiter).replaceAll(delimiter, '/');
  if (n.startsWith('/')) fail(`chart illegally contains absolute paths (entry ${JSON.stringify(raw)})`);
  n = cleanPath(n);
  if (n === '.') fail(`chart illegally contains content outside the base directory: ${JSON.stringify(raw)}`);
  if (n.startsWith('..')) fail(`chart illegally references parent directory (entry ${JSON.stringify(raw)})`);
  if (DRIVE.test(n)) fail(`chart contains illegally named files (entry ${JSON.stringify(raw)})`);
  if (parts[0] === 'Chart.yaml') fail('chart yaml not in base directory');
  return n;
}

/** Go's path.Clean: the shortest equivalent path, lexically. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const s = out.join('/');
  return rooted ? `/${s}` : s || '.';
}

interface TarEntry {
  kind:
    | 'file'
    | 'dir'
    | 'global'
    | 'symbolic link'
    | 'hard link'
    | 'device'
    | 'fifo'
    | 'sparse file'
    | 'entry of an unknown type';
  name: string;
  size: number;
  data: Uint8Array;
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** A NUL-terminated header field. Names are UTF-8 in practice (Go reads the bytes as they are). */
function field(b: Uint8Array, off: number, len: number): string {
  const f = b.subarray(off, off + len);
  const end = f.indexOf(0);
  return utf8.decode(end < 0 ? f : f.subarray(0, end));
}

/** A numeric field: octal text, or base-256 when the top bit of the first byte is set (GNU). */
function numeric(b: Uint8Array, off: number, len: number, fail: Fail): number {
  const f = b.subarray(off, off + len);
  if (f[0] & 0x80) {
    let v = f[0] & 0x7f;
    if (f[0] & 0x40) fail('UNREADABLE', 'chart archive is corrupt: archive/tar: invalid tar header');
    for (let i = 1; i < f.length; i++) {
      v = v * 256 + f[i];
      if (v > Number.MAX_SAFE_INTEGER) fail('TOO_LARGE', 'chart archive has an entry too large to read');
    }
    return v;
  }
  const s = latin1
    .decode(f)
    .replace(/[\0 ]+$/, '')
    .replace(/^[\0 ]+/, '');
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) fail('UNREADABLE', 'chart archive is corrupt: archive/tar: invalid tar header');
  return Number.parseInt(s, 8);
}

function checksumOk(h: Uint8Array, stored: number): boolean {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : h[i];
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  return stored === unsigned || stored === signed;
}

/** pax extended header records: "<len> <key>=<value>\n" */
function paxRecords(data: Uint8Array, fail: Fail): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    const len = sp < 0 ? Number.NaN : Number(latin1.decode(data.subarray(i, sp)));
    if (!Number.isInteger(len) || len <= sp - i || i + len > data.length)
      fail('UNREADABLE', 'chart archive is corrupt: archive/tar: invalid tar header');
    const rec = utf8.decode(data.subarray(sp + 1, i + len - 1));
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    i += len;
  }
  return out;
}

function* tarEntries(tar: Uint8Array, fail: Fail): Generator<TarEntry> {
  const corrupt = () => fail('UNREADABLE', 'chart archive is corrupt: archive/tar: invalid tar header');
  const truncated = () => fail('UNREADABLE', 'chart archive is truncated: unexpected EOF');
  let off = 0;
  let longName: string | undefined;
  let pax: Map<string, string> | undefined;
  for (;;) {
    if (off + BLOCK > tar.length) {
      // Go's reader: a clean end of stream without the zero blocks is an end too
      if (off === tar.length && !longName && !pax) return;
      truncated();
    }
    const h = tar.subarray(off, off + BLOCK);
    if (h.every((c) => c === 0)) return;
    if (!checksumOk(h, numeric(h, 148, 8, fail))) corrupt();
    const type = String.fromCharCode(h[156]);
    let size = numeric(h, 124, 12, fail);
    const magic = latin1.decode(h.subarray(257, 265));
    const ustar = magic === 'ustar\u000000';
    let name = field(h, 0, 100);
    if (ustar) {
      const prefix = field(h, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    if (pax?.has('size')) {
      const s = Number(pax.get('size'));
      if (!Number.isSafeInteger(s) || s < 0) corrupt();
      size = s;
    }
    const start = off + BLOCK;
    const end = start + size;
    if (end > tar.length) truncated();
    const data = tar.subarray(start, end);
    off = start + Math.ceil(size / BLOCK) * BLOCK;

    if (type === 'x') {
      pax = paxRecords(data, fail);
      continue;
    }
    if (type === 'L') {
      longName = field(data, 0, data.length);
      continue;
    }
    if (type === 'K') continue; // a long link target: links are refused anyway
    if (longName !== undefined) name = longName;
    if (pax?.has('path')) name = pax.get('path') as string;
    longName = undefined;
    pax = undefined;

    const mode = numeric(h, 100, 8, fail);
    let kind: TarEntry['kind'];
    if (type === 'g') kind = 'global';
    else if (type === '5' || (mode & ~0o7777) === 0o40000 || (type === '\0' && name.endsWith('/')))
      kind = 'dir';
    else if (type === '0' || type === '\0' || type === '7') kind = 'file';
    else if (type === '1') kind = 'hard link';
    else if (type === '2') kind = 'symbolic link';
    else if (type === '3' || type === '4') kind = 'device';
    else if (type === '6') kind = 'fifo';
    else if (type === 'S') kind = 'sparse file';
    else kind = 'entry of an unknown type';
    yield { kind, name, size, data };
  }
}
