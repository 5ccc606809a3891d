/**
 * Where a ClusterTemplate's chart comes from, decided from the template and the source objects it
 * names (pure: no I/O). k0rdent's shape: `spec.helm.chartSpec` (a chart in a Flux HelmRepository,
 * https or OCI) or `spec.helm.chartRef` (a Flux HelmChart or OCIRepository). Without a
 * `sourceRef`, `chartSpec.chart` names a chart of clustermint's catalog (built-ins and
 * `--templates`), as before; with `localPaths`, offline, it may also be a chart folder or .tgz
 * next to the file. Anything else is a reason, worded for `status.validationError`.
 */
import { isAbsolute, join } from 'node:path';
import type { ChartRef, SourceKind } from '../api/cluster-template.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import type { ChartSourceRequest } from './chart-sources/index.js';

/** Finds a source object by kind, namespace and name (undefined: there is none). */
export type SourceLookup = (kind: SourceKind, namespace: string, name: string) => PlainObject | undefined;

export type TemplateSource =
  /** A chart of the catalog, by name (and the version asked for, if any). */
  | { kind: 'catalog'; chart: string; version?: string }
  /** A chart to load with loadChartSource. */
  | {
      kind: 'source';
      request: ChartSourceRequest;
      /** What it is, for messages: `chart "x" version "1.2" from HelmRepository ns/repo (https://...)`. */
      what: string;
      /** How often the source is looked at again (Flux's interval; ms). */
      intervalMs?: number;
      /** status.chartRef: the HelmChart or OCIRepository named by spec.helm.chartRef. */
      chartRef?: ChartRef;
    }
  /** Cannot be resolved; `waiting`: an object it names does not exist (yet). */
  | { kind: 'unresolvable'; reason: string; waiting?: boolean };

export interface DecideOptions {
  /** Offline inputs: `chartSpec.chart` may be a chart folder or .tgz path, relative to this folder. */
  localPaths?: { baseDir: string };
}

const obj = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const isSet = (v: unknown) => v !== undefined && v !== null;

/** Flux's default interval. */
export const DEFAULT_INTERVAL_MS = 10 * 60_000;

/** A Go duration as Flux writes intervals (`10m`, `1h30m`, `30s`); undefined when it is not one. */
export function intervalMs(v: unknown): number | undefined {
  const s = str(v);
  if (!/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/.test(s)) return undefined;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const m of s.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2]!]!;
  return total;
}

function unresolvable(reason: string, waiting = false): TemplateSource {
  return waiting ? { kind: 'unresolvable', reason, waiting } : { kind: 'unresolvable', reason };
}

export function decideTemplateSource(
  template: PlainObject,
  lookup: SourceLookup,
  options: DecideOptions = {},
): TemplateSource {
  const namespace = str(obj(template.metadata).namespace) || 'default';
  const spec = template.spec;
  if (!isPlainObject(spec) || !isPlainObject(spec.helm)) return unresolvable('spec.helm is required');
  const helm = spec.helm;
  if (isSet(helm.chartSource))
    return unresolvable('spec.helm.chartSource is not supported for ClusterTemplates');
  const set = ['chartSpec', 'chartRef'].filter((k) => isSet(helm[k]));
  if (set.length === 0) return unresolvable('one of spec.helm.chartSpec or spec.helm.chartRef must be set');
  if (set.length > 1)
    return unresolvable('spec.helm.chartSpec and spec.helm.chartRef are mutually exclusive');
  if (isSet(helm.chartSpec))
    return fromChartSpec(helm.chartSpec, namespace, 'spec.helm.chartSpec', lookup, options);
  return fromChartRef(helm.chartRef, namespace, lookup);
}

/** A HelmChartSpec (a template's chartSpec, or a HelmChart's spec) in `namespace`. */
function fromChartSpec(
  raw: unknown,
  namespace: string,
  field: string,
  lookup: SourceLookup,
  options: DecideOptions,
  chartRef?: ChartRef,
): TemplateSource {
  if (!isPlainObject(raw)) return unresolvable(`${field} must be a map`);
  const chart = str(raw.chart);
  if (!chart) return unresolvable(`${field}.chart is required`);
  const version = str(raw.version);
  if (isSet(raw.valuesFiles) && Array.isArray(raw.valuesFiles) && raw.valuesFiles.length > 0)
    return unresolvable(`${field}.valuesFiles is not supported: put the values in the chart's values.yaml`);
  if (isSet(raw.verify))
    return unresolvable(`${field}.verify is not supported: clustermint does not check chart signatures`);
  const interval = raw.interval === undefined ? DEFAULT_INTERVAL_MS : intervalMs(raw.interval);
  if (interval === undefined)
    return unresolvable(`${field}.interval ${JSON.stringify(raw.interval)} is not a duration such as 10m`);
  if (!isSet(raw.sourceRef)) {
    if (options.localPaths && isLocalPath(chart)) {
      const ref = isAbsolute(chart) ? chart : join(options.localPaths.baseDir, chart);
      return { kind: 'source', request: { ref }, what: `chart ${ref}`, ...(chartRef ? { chartRef } : {}) };
    }
    return { kind: 'catalog', chart, ...(version && version !== '*' ? { version } : {}) };
  }
  const ref = obj(raw.sourceRef);
  const kind = str(ref.kind);
  const name = str(ref.name);
  if (!kind || !name) return unresolvable(`${field}.sourceRef needs a kind and a name`);
  if (ref.apiVersion !== undefined && !str(ref.apiVersion).startsWith('source.toolkit.fluxcd.io/'))
    return unresolvable(
      `${field}.sourceRef.apiVersion ${JSON.stringify(ref.apiVersion)} is not a Flux source API version`,
    );
  if (kind !== 'HelmRepository')
    return unresolvable(
      `${field}.sourceRef.kind ${kind} is not supported: clustermint reads charts from a HelmRepository (https or oci) or, with spec.helm.chartRef, an OCIRepository`,
    );
  const repo = lookup('HelmRepository', namespace, name);
  if (!repo) return unresolvable(`HelmRepository ${namespace}/${name} not found`, true);
  return fromHelmRepository(repo, chart, version, namespace, name, lookup, interval, chartRef);
}

function fromHelmRepository(
  repo: PlainObject,
  chart: string,
  version: string,
  namespace: string,
  name: string,
  lookup: SourceLookup,
  interval: number,
  chartRef: ChartRef | undefined,
): TemplateSource {
  const where = `HelmRepository ${namespace}/${name}`;
  const spec = obj(repo.spec);
  const url = str(spec.url);
  const type = str(spec.type) || 'default';
  if (!url) return unresolvable(`${where} has no spec.url`);
  if (type !== 'default' && type !== 'oci')
    return unresolvable(`${where}: spec.type ${JSON.stringify(type)} is not default or oci`);
  const oci = type === 'oci';
  if (oci !== url.startsWith('oci://'))
    return unresolvable(
      oci
        ? `${where}: spec.type is oci, so spec.url must start with oci://, got ${JSON.stringify(url)}`
        : `${where}: an oci:// spec.url needs spec.type: oci`,
    );
  if (!oci && !/^https?:\/\//.test(url))
    return unresolvable(`${where}: spec.url must be an http(s) or oci:// URL, got ${JSON.stringify(url)}`);
  const unsupported = ['certSecretRef', 'provider', 'passCredentials'].find(
    (k) =>
      isSet(spec[k]) &&
      !(k === 'provider' && spec[k] === 'generic') &&
      !(k === 'passCredentials' && spec[k] === false),
  );
  if (unsupported) return unresolvable(`${where}: spec.${unsupported} is not supported`);
  const creds = credentials(spec.secretRef, namespace, where, url, lookup);
  if ('reason' in creds) return unresolvable(creds.reason, creds.waiting);
  const what = `chart ${JSON.stringify(chart)}${version ? ` version ${JSON.stringify(version)}` : ''} from ${where} (${url})`;
  const v = version && version !== '*' ? { version } : {};
  const request: ChartSourceRequest = oci
    ? {
        ref: `${url.replace(/\/+$/, '')}/${chart}`,
        ...v,
        ...creds,
        ...(spec.insecure === true ? { plainHttp: true } : {}),
      }
    : { ref: chart, repo: url, ...v, ...creds };
  return { kind: 'source', request, what, intervalMs: interval, ...(chartRef ? { chartRef } : {}) };
}

function fromChartRef(raw: unknown, namespace: string, lookup: SourceLookup): TemplateSource {
  if (!isPlainObject(raw)) return unresolvable('spec.helm.chartRef must be a map');
  const kind = str(raw.kind);
  const name = str(raw.name);
  if (!kind || !name) return unresolvable('spec.helm.chartRef needs a kind and a name');
  const ns = str(raw.namespace) || namespace;
  const chartRef: ChartRef = {
    ...(str(raw.apiVersion) ? { apiVersion: str(raw.apiVersion) } : {}),
    kind,
    name,
    ...(str(raw.namespace) ? { namespace: str(raw.namespace) } : {}),
  };
  if (kind === 'HelmChart') {
    const hc = lookup('HelmChart', ns, name);
    if (!hc) return unresolvable(`HelmChart ${ns}/${name} not found`, true);
    return fromChartSpec(hc.spec, ns, `HelmChart ${ns}/${name} spec`, lookup, {}, chartRef);
  }
  if (kind === 'OCIRepository') {
    const repo = lookup('OCIRepository', ns, name);
    if (!repo) return unresolvable(`OCIRepository ${ns}/${name} not found`, true);
    return fromOciRepository(repo, ns, name, lookup, chartRef);
  }
  return unresolvable(
    `spec.helm.chartRef.kind ${kind} is not supported: it must be HelmChart or OCIRepository`,
  );
}

function fromOciRepository(
  repo: PlainObject,
  namespace: string,
  name: string,
  lookup: SourceLookup,
  chartRef: ChartRef,
): TemplateSource {
  const where = `OCIRepository ${namespace}/${name}`;
  const spec = obj(repo.spec);
  const url = str(spec.url).replace(/\/+$/, '');
  if (!url.startsWith('oci://'))
    return unresolvable(`${where}: spec.url must start with oci://, got ${JSON.stringify(spec.url ?? '')}`);
  const unsupported = ['certSecretRef', 'verify', 'serviceAccountName'].find((k) => isSet(spec[k]));
  if (unsupported) return unresolvable(`${where}: spec.${unsupported} is not supported`);
  if (isSet(spec.provider) && spec.provider !== 'generic')
    return unresolvable(`${where}: spec.provider ${JSON.stringify(spec.provider)} is not supported`);
  const interval = spec.interval === undefined ? DEFAULT_INTERVAL_MS : intervalMs(spec.interval);
  if (interval === undefined)
    return unresolvable(`${where}: spec.interval ${JSON.stringify(spec.interval)} is not a duration`);
  const ref = obj(spec.ref);
  const digest = str(ref.digest);
  const tag = str(ref.tag);
  const semver = str(ref.semver);
  if (digest && !/^sha256:[a-f0-9]{64}$/.test(digest))
    return unresolvable(`${where}: spec.ref.digest must be sha256:<64 hex digits>`);
  const creds = credentials(spec.secretRef, namespace, where, url, lookup);
  if ('reason' in creds) return unresolvable(creds.reason, creds.waiting);
  // Flux's precedence: digest, then semver, then tag; no ref at all means `latest`
  const request: ChartSourceRequest = digest
    ? { ref: `${url}@${digest}` }
    : { ref: url, version: semver || tag || 'latest' };
  const at = digest ? `@${digest}` : semver ? ` (semver ${semver})` : `:${tag || 'latest'}`;
  return {
    kind: 'source',
    request: { ...request, ...creds, ...(spec.insecure === true ? { plainHttp: true } : {}) },
    what: `chart ${url}${at} from ${where}`,
    intervalMs: interval,
    chartRef,
  };
}

/**
 * Credentials from a source's secretRef: a Secret with `username` and `password`, or a
 * kubernetes.io/dockerconfigjson Secret with an entry for the URL's host.
 */
function credentials(
  secretRef: unknown,
  namespace: string,
  where: string,
  url: string,
  lookup: SourceLookup,
): { username?: string; password?: string } | { reason: string; waiting?: boolean } {
  if (!isSet(secretRef)) return {};
  const name = str(obj(secretRef).name);
  if (!name) return { reason: `${where}: spec.secretRef.name is required` };
  const secret = lookup('Secret', namespace, name);
  const what = `Secret ${namespace}/${name} (${where} spec.secretRef)`;
  if (!secret) return { reason: `${what} not found`, waiting: true };
  const data = secretData(secret);
  if (data === undefined) return { reason: `${what}: data is not valid base64` };
  const username = data.get('username');
  const password = data.get('password');
  if (username !== undefined || password !== undefined) {
    if (!username || !password) return { reason: `${what} must hold both username and password` };
    return { username, password };
  }
  const config = data.get('.dockerconfigjson');
  if (config !== undefined) {
    const auth = dockerAuth(config, hostOf(url));
    if (!auth) return { reason: `${what}: .dockerconfigjson has no credentials for ${hostOf(url)}` };
    return auth;
  }
  return { reason: `${what} holds neither username and password nor .dockerconfigjson` };
}

/** A Secret's data (base64, decoded) and stringData, as the apiserver merges them; undefined: bad base64. */
export function secretData(secret: PlainObject): Map<string, string> | undefined {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj(secret.data))) {
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) return undefined;
    out.set(k, Buffer.from(v, 'base64').toString('utf8'));
  }
  for (const [k, v] of Object.entries(obj(secret.stringData))) if (typeof v === 'string') out.set(k, v);
  return out;
}

function hostOf(url: string): string {
  return url.replace(/^[a-z]+:\/\//, '').split('/')[0] ?? '';
}

function dockerAuth(text: string, host: string): { username: string; password: string } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const auths = obj(obj(parsed).auths);
  const entry = obj(auths[host] ?? auths[`https://${host}`] ?? auths[`http://${host}`]);
  if (str(entry.username) && str(entry.password))
    return { username: str(entry.username), password: str(entry.password) };
  const auth = Buffer.from(str(entry.auth), 'base64').toString('utf8');
  const colon = auth.indexOf(':');
  if (colon > 0) return { username: auth.slice(0, colon), password: auth.slice(colon + 1) };
  return undefined;
}

function isLocalPath(chart: string): boolean {
  return chart.startsWith('./') || chart.startsWith('../') || chart.startsWith('/') || /\.tgz$/.test(chart);
}

/** A lookup over a list of objects (the CLI's inputs, a test's table). */
export function lookupIn(objects: readonly PlainObject[]): SourceLookup {
  return (kind, namespace, name) =>
    objects.find((o) => {
      const meta = obj(o.metadata);
      return (
        o.kind === kind &&
        str(meta.name) === name &&
        (str(meta.namespace) || 'default') === namespace &&
        (kind === 'Secret'
          ? o.apiVersion === 'v1'
          : str(o.apiVersion).startsWith('source.toolkit.fluxcd.io/'))
      );
    });
}

/** Finds a source object where lookups are I/O (a store): undefined when there is none. */
export type SourceFetch = (
  kind: SourceKind,
  namespace: string,
  name: string,
) => Promise<PlainObject | undefined>;

/**
 * The decision with the objects it names fetched as it goes: decided over what was fetched so far,
 * then again after fetching what it looked for and missed, until nothing new is asked for (a
 * chartRef -> HelmChart -> HelmRepository -> Secret chain is three rounds). Also returns every
 * object it read, so a caller can tell when one changes.
 */
export async function decideWithFetch(
  template: PlainObject,
  fetch: SourceFetch,
  options: DecideOptions = {},
): Promise<{ source: TemplateSource; read: PlainObject[] }> {
  const fetched = new Map<string, PlainObject | undefined>();
  for (let round = 0; ; round++) {
    const missed: Array<[SourceKind, string, string]> = [];
    const source = decideTemplateSource(
      template,
      (kind, namespace, name) => {
        const key = `${kind}/${namespace}/${name}`;
        if (!fetched.has(key)) missed.push([kind, namespace, name]);
        return fetched.get(key);
      },
      options,
    );
    if (missed.length === 0 || round >= 8)
      return { source, read: [...fetched.values()].filter((o): o is PlainObject => o !== undefined) };
    for (const [kind, namespace, name] of missed)
      fetched.set(`${kind}/${namespace}/${name}`, await fetch(kind, namespace, name));
  }
}
