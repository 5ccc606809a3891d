/**
 * A chart from an OCI registry over the distribution v2 API, as `helm pull oci://...` resolves it:
 * `oci://host[:port]/path/chart[:tag][@sha256:...]` with `--version` (an exact version is the tag,
 * `+` written `_`; a constraint, or no version, picks from the repository's semver tags, highest
 * first, no pre-release unless asked), the manifest and its chart layer checked against the media
 * types Helm pushes and against their digests (the manifest's: the one asked for or the one the
 * registry names; the layer's: the one in the manifest).
 * Auth: anonymous, basic, or the Docker token flow (a 401 with `WWW-Authenticate: Bearer realm=...`
 * sends the credentials, if any, to the realm for a token).
 */
import { newVersion, parseConstraint, satisfies } from '../../render/functions/semver.js';
import { append } from '../../util/append.js';
import { type ChartFile, readChartArchive } from '../../util/archive.js';
import { ClustermintError } from '../../util/errors.js';
import { readCachedArchive, sha256Hex, sha256Of, writeCachedArchive } from './cache.js';
import { basicAuth, type HttpResponse, httpGet, statusLine, type TlsOptions } from './http.js';
import { type Credentials, storedCredentials } from './registry-credentials.js';
import { MAX_ARCHIVE_BYTES } from './repository.js';

export const CONFIG_MEDIA_TYPE = 'application/vnd.cncf.helm.config.v1+json';
export const CHART_LAYER_MEDIA_TYPE = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
const LEGACY_CHART_LAYER_MEDIA_TYPE = 'application/tar+gzip';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_TAG_PAGES = 100;

export interface OciRequest {
  ref: string;
  version?: string;
  username?: string;
  password?: string;
  plainHttp?: boolean;
  tls?: TlsOptions;
  cacheDir?: string;
}

export interface OciReference {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

// the distribution reference grammar, as oras checks it
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
// Masterminds StrictNewVersion: all three parts, no `v`, no leading zeros
const STRICT_SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Helm's newReference: `oci://` dropped, a `+` in the tag written `_`, checked like oras does. */
export function parseOciReference(raw: string): OciReference {
  let rest = raw.replace(/^oci:\/\//, '');
  const bad = (why: string): never => {
    throw new ClustermintError('USAGE', `invalid reference: ${why}: ${JSON.stringify(raw)}`);
  };
  let digest: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) bad('invalid digest');
  }
  const slash = rest.indexOf('/');
  if (slash <= 0) bad('missing repository');
  const registry = rest.slice(0, slash);
  let repository = rest.slice(slash + 1);
  let tag: string | undefined;
  const colon = repository.lastIndexOf(':');
  if (colon >= 0) {
    tag = repository.slice(colon + 1).replaceAll('+', '_');
    repository = repository.slice(0, colon);
    if (!TAG.test(tag)) bad('invalid tag');
  }
  if (!/^[a-zA-Z0-9.-]+(?::\d+)?$|^\[[0-9a-fA-F:.]+\](?::\d+)?$/.test(registry)) bad('invalid registry');
  if (!REPOSITORY.test(repository)) bad('invalid repository');
  return { registry, repository, tag, digest };
}

export async function loadFromOci(req: OciRequest): Promise<{
  files: ChartFile[];
  origin: string;
  digest: string;
  version?: string;
}> {
  const ref = parseOciReference(req.ref);
  const client = new RegistryClient(ref, req);
  let version = req.version ?? '';
  if (version === '') version = ref.tag ?? '';
  else if (ref.tag && ref.tag !== version)
    throw new ClustermintError('USAGE', `chart reference and version mismatch: ${version} is not ${ref.tag}`);

  let reference: string;
  let tag: string | undefined;
  if (ref.digest) {
    reference = ref.digest;
    if (version !== '') {
      // the tag, when it exists, must point at the digest asked for
      const tagged = await client.manifestDigest(version.replaceAll('+', '_'));
      if (tagged && tagged !== ref.digest)
        throw new ClustermintError(
          'UNREADABLE',
          `chart reference digest mismatch: ${tagged} is not ${ref.digest}`,
        );
      tag = version;
    }
  } else {
    tag = isVersion(version) ? version : await pickTag(client, req.ref, version);
    reference = tag.replaceAll('+', '_');
  }

  const manifest = await client.manifest(reference);
  const layer = chartLayer(manifest.json, client.label(reference));
  const hex = sha256Of(layer.digest) as string;
  let bytes = readCachedArchive(hex, req.cacheDir);
  if (!bytes) {
    bytes = await client.blob(layer.digest, layer.size);
  }
  const files = readChartArchive(bytes, client.label(reference));
  writeCachedArchive(bytes, req.cacheDir);
  return {
    files,
    origin: `oci://${ref.registry}/${ref.repository}@${manifest.digest}`,
    digest: layer.digest,
    version: tag,
  };
}

function isVersion(v: string): boolean {
  if (v === '') return false;
  try {
    newVersion(v);
    return true;
  } catch {
    return false;
  }
}

/** Helm's GetTagMatchingVersionOrConstraint over the repository's semver tags. */
async function pickTag(client: RegistryClient, raw: string, version: string): Promise<string> {
  const tags = (await client.tags())
    .map((t) => t.replaceAll('_', '+'))
    .filter((t) => STRICT_SEMVER.test(t))
    .map((t) => ({ t, v: newVersion(t) }))
    .sort((a, b) => compareDesc(a.v, b.v))
    .map((x) => x.t);
  if (tags.length === 0)
    throw new ClustermintError('UNREADABLE', `unable to locate any tags in provided repository: ${raw}`);
  if (version !== '' && tags.includes(version)) return version;
  let groups: ReturnType<typeof parseConstraint>;
  try {
    groups = parseConstraint(version === '' ? '*' : version);
  } catch (e) {
    throw new ClustermintError(
      'USAGE',
      `invalid version constraint ${JSON.stringify(version)}: ${(e as Error).message}`,
    );
  }
  const found = tags.find((t) => satisfies(newVersion(t), groups));
  if (!found)
    throw new ClustermintError(
      'UNREADABLE',
      `could not locate a version matching provided version string ${version}`,
      undefined,
      [`tags in ${raw}: ${tags.join(', ')}`],
    );
  return found;
}

function compareDesc(a: ReturnType<typeof newVersion>, b: ReturnType<typeof newVersion>): number {
  for (let i = 0; i < 3; i++) if (a.parts[i] !== b.parts[i]) return a.parts[i] > b.parts[i] ? -1 : 1;
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === '') return -1;
  if (b.prerelease === '') return 1;
  return satisfiesOrder(a.prerelease, b.prerelease);
}

/** Pre-release order, highest first (numeric parts below alphanumeric ones, as semver says). */
function satisfiesOrder(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if (i >= pa.length) return 1;
    if (i >= pb.length) return -1;
    const na = /^\d+$/.test(pa[i]);
    const nb = /^\d+$/.test(pb[i]);
    if (na && nb && pa[i] !== pb[i]) return BigInt(pa[i]) > BigInt(pb[i]) ? -1 : 1;
    if (na !== nb) return na ? 1 : -1;
    if (pa[i] !== pb[i]) return pa[i] > pb[i] ? -1 : 1;
  }
  return 0;
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

/** The chart layer of a Helm chart manifest, with Helm's checks and error texts. */
function chartLayer(manifest: unknown, label: string): Descriptor {
  const bad = (m: string): never => {
    throw new ClustermintError('INVALID_CHART', m, { file: label });
  };
  if (!isRecord(manifest)) return bad('the manifest is not a JSON object');
  if (manifest.mediaType === OCI_INDEX || Array.isArray(manifest.manifests))
    bad('the reference names an image index, not a chart manifest');
  const descriptor = (d: unknown): Descriptor | undefined =>
    isRecord(d) &&
    typeof d.mediaType === 'string' &&
    typeof d.digest === 'string' &&
    typeof d.size === 'number'
      ? { mediaType: d.mediaType, digest: d.digest, size: d.size }
      : undefined;
  const config = descriptor(manifest.config);
  const layers = Array.isArray(manifest.layers) ? manifest.layers.map(descriptor) : [];
  const allowed = new Set([CONFIG_MEDIA_TYPE, CHART_LAYER_MEDIA_TYPE, LEGACY_CHART_LAYER_MEDIA_TYPE]);
  const kept = [config, ...layers].filter((d): d is Descriptor => !!d && allowed.has(d.mediaType));
  if (kept.length < 2)
    bad(`manifest does not contain minimum number of descriptors (2), descriptors found: ${kept.length}`);
  if (!kept.some((d) => d.mediaType === CONFIG_MEDIA_TYPE))
    bad(`could not load config with mediatype ${CONFIG_MEDIA_TYPE}`);
  const chart = [...kept].reverse().find((d) => d.mediaType !== CONFIG_MEDIA_TYPE);
  if (!chart) return bad(`manifest does not contain a layer with mediatype ${CHART_LAYER_MEDIA_TYPE}`);
  if (!sha256Of(chart.digest) || !chart.digest.startsWith('sha256:'))
    bad(`the chart layer has a digest that is not sha256: ${JSON.stringify(chart.digest)}`);
  if (!Number.isSafeInteger(chart.size) || chart.size < 0 || chart.size > MAX_ARCHIVE_BYTES)
    throw new ClustermintError(
      'TOO_LARGE',
      `the chart layer is ${chart.size} bytes, over the ${MAX_ARCHIVE_BYTES} bytes limit`,
      {
        file: label,
      },
    );
  return chart;
}

/** One repository of one registry, with the credentials or token that it takes. */
class RegistryClient {
  private authorization?: string;
  private readonly base: string;
  private readonly credentials?: Credentials;

  constructor(
    private readonly ref: OciReference,
    private readonly req: OciRequest,
  ) {
    this.base = `${req.plainHttp ? 'http' : 'https'}://${ref.registry}/v2/${ref.repository}`;
    // given credentials, else those `helm registry login` or `docker login` stored
    this.credentials =
      req.username || req.password
        ? { username: req.username ?? '', password: req.password ?? '' }
        : storedCredentials(ref.registry);
  }

  label(reference: string): string {
    const sep = reference.startsWith('sha256:') ? '@' : ':';
    return `oci://${this.ref.registry}/${this.ref.repository}${sep}${reference}`;
  }

  /** The manifest, its bytes checked against the digest asked for or the one the registry gives. */
  async manifest(reference: string): Promise<{ json: unknown; digest: string }> {
    const res = await this.get(`${this.base}/manifests/${reference}`, reference, MAX_MANIFEST_BYTES, {
      accept: `${OCI_MANIFEST}, ${OCI_INDEX}`,
    });
    const actual = `sha256:${sha256Hex(res.body)}`;
    const claimed = reference.startsWith('sha256:') ? reference : headerValue(res, 'docker-content-digest');
    if (claimed && claimed !== actual)
      throw new ClustermintError(
        'UNREADABLE',
        `${this.label(reference)}: manifest digest mismatch: expected ${claimed}, got ${actual}`,
      );
    let json: unknown;
    try {
      json = JSON.parse(res.body.toString('utf8'));
    } catch (e) {
      throw new ClustermintError('INVALID_CHART', `the manifest is not JSON: ${(e as Error).message}`, {
        file: this.label(reference),
      });
    }
    return { json, digest: actual };
  }

  /** The digest a tag points at, or undefined when there is no such tag. */
  async manifestDigest(tag: string): Promise<string | undefined> {
    try {
      return (await this.manifest(tag)).digest;
    } catch (e) {
      if (e instanceof ClustermintError && /: not found/.test(e.message)) return undefined;
      throw e;
    }
  }

  async blob(digest: string, size: number): Promise<Uint8Array> {
    const res = await this.get(`${this.base}/blobs/${digest}`, digest, MAX_ARCHIVE_BYTES);
    const actual = `sha256:${sha256Hex(res.body)}`;
    if (actual !== digest || res.body.length !== size)
      throw new ClustermintError(
        'UNREADABLE',
        `${this.label(digest)}: chart layer digest mismatch: expected ${digest} (${size} bytes), got ${actual} (${res.body.length} bytes)`,
      );
    return res.body;
  }

  /** Every tag, following the `Link: <...>; rel="next"` pages. */
  async tags(): Promise<string[]> {
    const out: string[] = [];
    let url: string | undefined = `${this.base}/tags/list`;
    for (let page = 0; url && page < MAX_TAG_PAGES; page++) {
      const res = await this.get(url, 'tags', MAX_MANIFEST_BYTES, { accept: 'application/json' });
      let body: unknown;
      try {
        body = JSON.parse(res.body.toString('utf8'));
      } catch {
        body = undefined;
      }
      if (isRecord(body) && Array.isArray(body.tags))
        append(
          out,
          body.tags.filter((t): t is string => typeof t === 'string'),
        );
      const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(headerValue(res, 'link') ?? '');
      url = next ? new URL(next[1], url).toString() : undefined;
    }
    return out;
  }

  /** GET with auth: on a 401, answer the challenge (basic, or a token from the realm) once. */
  private async get(
    url: string,
    what: string,
    maxBytes: number,
    headers: Record<string, string> = {},
  ): Promise<HttpResponse> {
    const send = () =>
      this.fetch(
        url,
        maxBytes,
        this.authorization ? { ...headers, authorization: this.authorization } : headers,
      );
    let res = await send();
    if (res.status === 401) {
      const challenge = headerValue(res, 'www-authenticate') ?? '';
      const answered = await this.answer(challenge);
      if (answered) res = await send();
    }
    if (res.status === 200) return res;
    const label = what === 'tags' ? `oci://${this.ref.registry}/${this.ref.repository}` : this.label(what);
    const reason = registryError(res);
    if (res.status === 401)
      throw new ClustermintError(
        'UNREADABLE',
        `${label}: ${this.credentials ? 'the registry refused the credentials' : 'the registry asks for credentials'} (${statusLine(res)})${reason}`,
      );
    if (res.status === 403)
      throw new ClustermintError('UNREADABLE', `${label}: access denied (${statusLine(res)})${reason}`);
    if (res.status === 404) throw new ClustermintError('UNREADABLE', `${label}: not found${reason}`);
    throw new ClustermintError('UNREADABLE', `${label}: the registry answered ${statusLine(res)}${reason}`);
  }

  private async fetch(url: string, maxBytes: number, headers: Record<string, string>): Promise<HttpResponse> {
    try {
      return await httpGet(url, { maxBytes, headers, tls: this.req.tls });
    } catch (e) {
      if (e instanceof ClustermintError && e.code === 'UNREADABLE')
        throw new ClustermintError(
          'UNREADABLE',
          `oci://${this.ref.registry}/${this.ref.repository}: ${e.message}`,
        );
      throw e;
    }
  }

  /** Sets the Authorization a challenge asks for; false when there is nothing to answer with. */
  private async answer(challenge: string): Promise<boolean> {
    const { username, password } = this.credentials ?? {};
    const scheme = challenge.split(/\s/, 1)[0].toLowerCase();
    if (scheme === 'basic') {
      if (!username || !password) return false;
      this.authorization = basicAuth(username, password);
      return true;
    }
    if (scheme !== 'bearer') return false;
    const params = challengeParams(challenge.slice(6));
    if (!params.realm) return false;
    const tokenUrl = new URL(params.realm);
    if (params.service) tokenUrl.searchParams.set('service', params.service);
    tokenUrl.searchParams.set('scope', params.scope ?? `repository:${this.ref.repository}:pull`);
    const res = await this.fetch(
      tokenUrl.toString(),
      MAX_MANIFEST_BYTES,
      username && password ? { authorization: basicAuth(username, password) } : {},
    );
    if (res.status !== 200) {
      throw new ClustermintError(
        'UNREADABLE',
        `oci://${this.ref.registry}/${this.ref.repository}: the token service at ${params.realm} ${
          res.status === 401 ? (username ? 'refused the credentials' : 'asks for credentials') : 'failed'
        } (${statusLine(res)})${registryError(res)}`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch {
      body = undefined;
    }
    const token = isRecord(body) ? (body.token ?? body.access_token) : undefined;
    if (typeof token !== 'string' || token === '')
      throw new ClustermintError(
        'UNREADABLE',
        `oci://${this.ref.registry}/${this.ref.repository}: the token service at ${params.realm} gave no token`,
      );
    this.authorization = `Bearer ${token}`;
    return true;
  }
}

/** `realm="...",service="...",scope="..."` (quoted values may hold commas). */
export function challengeParams(s: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const m of s.matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g))
    out[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
  return out;
}

function headerValue(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `: <message>` of the first error of a distribution error body, when it has one. */
function registryError(res: HttpResponse): string {
  try {
    const body = JSON.parse(res.body.toString('utf8'));
    const first = isRecord(body) && Array.isArray(body.errors) ? body.errors[0] : undefined;
    if (isRecord(first) && typeof first.message === 'string') return `: ${first.message}`;
  } catch {
    // not JSON: nothing to add
  }
  return '';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
