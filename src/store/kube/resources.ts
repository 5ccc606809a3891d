/**
 * Kind to resource: which URL path serves a kind, found by API discovery
 * (`/apis/<group>/<version>`, `/api/v1`) and cached per group/version. A kind the cache lacks
 * triggers one fresh discovery (a CRD installed since), at most once per second per
 * group/version. A fixed table (options.resources) skips discovery for the kinds it names.
 */
import type { ResourceType } from '../types.js';
import { KubeApiError } from './errors.js';
import type { KubeHttp } from './http.js';

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  /** Plural resource name: `clusterdeployments`. */
  plural: string;
  namespaced: boolean;
  /** `/apis/<group>/<version>` or `/api/v1`. */
  prefix: string;
}

/** A resource named without discovery: key `<group>/<Kind>` (`/<Kind>` for the core group). */
export interface ResourceEntry {
  plural: string;
  namespaced: boolean;
}

interface APIResourceList {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

interface Discovered {
  at: number;
  byKind: Map<string, ResourceEntry>;
}

const REDISCOVER_AFTER_MS = 1000;

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export class ResourceMapper {
  private readonly discovered = new Map<string, Promise<Discovered>>();
  private readonly table: Map<string, ResourceEntry>;

  constructor(
    private readonly http: KubeHttp,
    table: Record<string, ResourceEntry> = {},
  ) {
    this.table = new Map(Object.entries(table));
  }

  async resolve(type: ResourceType): Promise<ResourceInfo> {
    const { group, version } = splitApiVersion(type.apiVersion);
    if (version === '' || type.kind === '')
      throw new KubeApiError(
        400,
        'BadRequest',
        `apiVersion and kind are required (got "${type.apiVersion}", "${type.kind}")`,
      );
    const prefix = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    const fixed = this.table.get(`${group}/${type.kind}`);
    if (fixed) return { group, version, kind: type.kind, prefix, ...fixed };
    let entry = (await this.discover(prefix, false)).byKind.get(type.kind);
    entry ??= (await this.discover(prefix, true)).byKind.get(type.kind);
    if (!entry)
      throw new KubeApiError(
        404,
        'NotFound',
        `no resource for kind ${type.kind} in ${type.apiVersion} on the server (is its CRD installed?)`,
      );
    return { group, version, kind: type.kind, prefix, ...entry };
  }

  private discover(prefix: string, fresh: boolean): Promise<Discovered> {
    const cached = this.discovered.get(prefix);
    if (cached && !fresh) return cached;
    const next = (async () => {
      if (cached) {
        const prev = await cached.catch(() => undefined);
        if (prev && Date.now() - prev.at < REDISCOVER_AFTER_MS) return prev;
      }
      const byKind = new Map<string, ResourceEntry>();
      try {
        const list = await this.http.request<APIResourceList>({ method: 'GET', path: prefix });
        for (const r of list.resources ?? [])
          if (!r.name.includes('/')) byKind.set(r.kind, { plural: r.name, namespaced: r.namespaced });
      } catch (e) {
        // An unknown group/version is a kind the server does not serve (yet).
        if ((e as { code?: number }).code !== 404) {
          this.discovered.delete(prefix);
          throw e;
        }
      }
      return { at: Date.now(), byKind };
    })();
    this.discovered.set(prefix, next);
    return next;
  }
}
