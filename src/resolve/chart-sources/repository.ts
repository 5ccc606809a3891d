/**
 * A chart from an HTTP chart repository, as `helm pull --repo URL NAME --version C` finds it:
 * `<repo>/index.yaml`, the version picked as Helm's IndexFile.Get picks it (an exact string first,
 * else the highest version the Masterminds constraint accepts, `*` when none is given, so no
 * pre-release unless the constraint names one), the first URL of that entry (relative to the repo
 * URL or absolute), downloaded with the repo's credentials only when it is on the same host.
 * Stricter than Helm: the download must have the `digest` the index gives (Helm only files it
 * under that digest in its cache).
 */
import jsyaml from 'js-yaml';
import {
  compareVersions,
  newVersion,
  type ParsedVersion,
  parseConstraint,
  satisfies,
} from '../../render/functions/semver.js';
import { type ChartFile, readChartArchive } from '../../util/archive.js';
import { ClustermintError } from '../../util/errors.js';
import { checkTree, ExpansionBudget } from '../../util/expansion-budget.js';
import { LIMITS } from '../../util/limits.js';
import { CORE_WITH_MERGE } from '../../util/yaml-source.js';
import { readCachedArchive, sha256Hex, sha256Of, writeCachedArchive } from './cache.js';
import { basicAuth, httpGet, statusLine, type TlsOptions } from './http.js';

export interface RepositoryRequest {
  repoUrl: string;
  chart: string;
  version?: string;
  username?: string;
  password?: string;
  tls?: TlsOptions;
  cacheDir?: string;
}

export interface FetchedChart {
  files: ChartFile[];
  origin: string;
  digest: string;
  version?: string;
}

export interface IndexEntry {
  name: string;
  version: string;
  urls: string[];
  digest?: string;
}

const MAX_INDEX_BYTES = 100 * 1024 * 1024;
export const MAX_ARCHIVE_BYTES = 100 * 1024 * 1024;

export async function loadFromRepository(req: RepositoryRequest): Promise<FetchedChart> {
  const { repoUrl, chart } = req;
  const notValid = (cause: string): never => {
    throw new ClustermintError(
      'UNREADABLE',
      `looks like ${JSON.stringify(repoUrl)} is not a valid chart repository or cannot be reached: ${cause}`,
    );
  };
  const indexUrl = resolveReferenceUrl(repoUrl, 'index.yaml');
  const auth = credentials(req, repoUrl, indexUrl);
  let res: Awaited<ReturnType<typeof httpGet>>;
  try {
    res = await httpGet(indexUrl, { maxBytes: MAX_INDEX_BYTES, tls: req.tls, headers: auth });
  } catch (e) {
    if (e instanceof ClustermintError && e.code !== 'UNREADABLE') throw e;
    return notValid((e as Error).message);
  }
  if (res.status !== 200) notValid(`failed to fetch ${indexUrl} : ${statusLine(res)}`);
  let entries: Map<string, IndexEntry[]>;
  try {
    entries = parseIndex(res.body);
  } catch (e) {
    return notValid((e as Error).message);
  }

  const what = `chart ${JSON.stringify(chart)}${req.version ? ` version ${JSON.stringify(req.version)}` : ''}`;
  const picked = pickVersion(chart, entries.get(chart), req.version);
  if (typeof picked === 'string') {
    const available = (entries.get(chart) ?? []).map((e) => e.version);
    throw new ClustermintError('UNREADABLE', `${what} not found in ${repoUrl} repository`, undefined, [
      picked,
      ...(available.length ? [`versions in the index: ${available.join(', ')}`] : []),
    ]);
  }
  if (picked.urls.length === 0) throw new ClustermintError('UNREADABLE', `${what} has no downloadable URLs`);
  const chartUrl = resolveReferenceUrl(repoUrl, picked.urls[0]);

  const expected = picked.digest ? sha256Of(picked.digest) : undefined;
  if (picked.digest && !expected)
    throw new ClustermintError(
      'UNREADABLE',
      `${what}: the index gives a digest that is not a sha256 digest: ${JSON.stringify(picked.digest)}`,
    );
  let bytes = expected ? readCachedArchive(expected, req.cacheDir) : undefined;
  if (!bytes) {
    bytes = await downloadArchive(chartUrl, {
      tls: req.tls,
      headers: {
        accept: 'application/gzip,application/octet-stream',
        ...credentials(req, repoUrl, chartUrl),
      },
    });
    const actual = sha256Hex(bytes);
    if (expected && actual !== expected)
      throw new ClustermintError(
        'UNREADABLE',
        `digest mismatch for ${chartUrl}: the index says sha256:${expected}, the download is sha256:${actual}`,
      );
  }
  const files = readChartArchive(bytes, chartUrl);
  const hex = writeCachedArchive(bytes, req.cacheDir);
  return { files, origin: chartUrl, digest: `sha256:${hex}`, version: picked.version };
}

/** A .tgz by URL (no index, so nothing to check it against). */
export async function downloadArchive(
  url: string,
  opts: { tls?: TlsOptions; headers?: Record<string, string> },
): Promise<Uint8Array> {
  const res = await httpGet(url, { maxBytes: MAX_ARCHIVE_BYTES, tls: opts.tls, headers: opts.headers });
  if (res.status !== 200)
    throw new ClustermintError('UNREADABLE', `failed to fetch ${url} : ${statusLine(res)}`);
  return res.body;
}

/** Basic auth for `target`, only when it is on the repository's scheme and host (as Helm). */
function credentials(req: RepositoryRequest, repoUrl: string, target: string): Record<string, string> {
  if (!req.username || !req.password) return {};
  const a = new URL(repoUrl);
  const b = new URL(target);
  return a.protocol === b.protocol && a.host === b.host
    ? { authorization: basicAuth(req.username, req.password) }
    : {};
}

/** Helm's ResolveReferenceURL: an absolute ref as it is, else relative to the repo as a folder. */
export function resolveReferenceUrl(base: string, ref: string): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(ref)) return ref;
  const b = new URL(base);
  const query = b.search;
  b.search = '';
  b.hash = '';
  if (!b.pathname.endsWith('/')) b.pathname = `${b.pathname}/`;
  const r = new URL(ref, b);
  r.search = query;
  return r.toString();
}

/** index.yaml (or JSON): entries by chart name, highest version first, invalid entries left out. */
export function parseIndex(body: Uint8Array): Map<string, IndexEntry[]> {
  const text = Buffer.from(body).toString('utf8');
  if (text.length === 0) throw new Error('empty index.yaml file');
  let doc: unknown;
  try {
    // merge keys merge, as in Helm's YAML reader (they were a literal "<<" key, and the entry
    // that used one was left out as nameless)
    doc = jsyaml.load(text, { schema: CORE_WITH_MERGE, json: true });
    // js-yaml shares what an alias names: a 135 KB index whose aliases name a list of 2,000
    // entries took 4 s and 1.1 GB. The tree may expand to what a text of its size could hold.
    const where = { file: 'index.yaml' };
    const limits = {
      maxNodes: Math.max(LIMITS.maxNodes, text.length),
      maxChars: Math.max(LIMITS.maxExpandedChars, text.length),
    };
    checkTree(doc, new ExpansionBudget(where, 'yaml', limits), where);
  } catch (e) {
    throw new Error(`index.yaml: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isRecord(doc)) throw new Error('index.yaml is not a map');
  const out = new Map<string, IndexEntry[]>();
  const entries = doc.entries;
  if (isRecord(entries)) {
    for (const [name, list] of Object.entries(entries)) {
      if (!Array.isArray(list)) continue;
      const valid: Array<IndexEntry & { parsed: ParsedVersion }> = [];
      for (const e of list) {
        if (!isRecord(e) || typeof e.version !== 'string' || typeof e.name !== 'string' || !e.name) continue;
        let parsed: ParsedVersion;
        try {
          parsed = newVersion(e.version);
        } catch {
          continue; // Helm skips an entry whose version is not semver
        }
        const urls = Array.isArray(e.urls) ? e.urls.filter((u): u is string => typeof u === 'string') : [];
        const digest = typeof e.digest === 'string' && e.digest ? e.digest : undefined;
        valid.push({ name: e.name, version: e.version, urls, digest, parsed });
      }
      valid.sort((x, y) => compareVersions(y.parsed, x.parsed));
      out.set(
        name,
        valid.map(({ parsed: _p, ...rest }) => rest),
      );
    }
  }
  if (typeof doc.apiVersion !== 'string' || doc.apiVersion === '')
    throw new Error('no API version specified');
  return out;
}

/**
 * IndexFile.Get on one chart's versions (highest first): the entry, or Helm's error text.
 * An exact string wins; otherwise the first version the constraint (`*` when empty) accepts.
 */
export function pickVersion(
  name: string,
  versions: IndexEntry[] | undefined,
  version = '',
): IndexEntry | string {
  if (!versions) return 'no chart name found';
  if (versions.length === 0) return 'no chart version found';
  if (version !== '') {
    const exact = versions.find((v) => v.version === version);
    if (exact) return exact;
  }
  let groups: ReturnType<typeof parseConstraint>;
  try {
    groups = parseConstraint(version === '' ? '*' : version);
  } catch (e) {
    return (e as Error).message;
  }
  for (const v of versions) {
    let parsed: ParsedVersion;
    try {
      parsed = newVersion(v.version);
    } catch {
      continue;
    }
    if (satisfies(parsed, groups)) return v;
  }
  return `no chart version found for ${name}-${version}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
