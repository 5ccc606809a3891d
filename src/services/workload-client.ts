/**
 * Talking to a workload cluster: the few calls add-on delivery needs (server-side apply, get,
 * list, delete, status updates, namespaces, /version), over store/kube's KubeHttp and
 * ResourceMapper, with every failure turned into a WorkloadError whose `reason` says what went
 * wrong (the server is down, the kubeconfig's CA is not the server's, the credentials are
 * refused, the object is invalid, the kind is not served) and whether trying again may help.
 *
 * A kubeconfig read from a Secret is written by whoever may write that Secret, so by default it
 * may not make the controller run programs (exec, auth-provider plugins) or read its own files
 * (token-file, certificate paths: the controller's service-account token would be sent to any
 * server the kubeconfig names). `allowExternalCredentials` (or fromKubeconfigFile, for a file
 * the operator wrote) lifts that.
 */

import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createSecureContext } from 'node:tls';
import type { KubeConfig } from '@kubernetes/client-node';
import { parseDocument } from 'yaml';
import { type KubeObject, type ResourceType, SERVER_METADATA_FIELDS } from '../k8s/object.js';
import { type StatusCause, StoreError } from '../store/errors.js';
import { fromKubeConfig, type KubeTarget, loadClientNode, loadKubeconfig } from '../store/kube/config.js';
import { KubeApiError, type KubeStatus } from '../store/kube/errors.js';
import { KubeHttp, type RequestSpec } from '../store/kube/http.js';
import { type ResourceInfo, ResourceMapper } from '../store/kube/resources.js';
import { isPlainObject } from '../util/plain-object.js';

export type WorkloadErrorReason =
  | 'InvalidKubeconfig'
  | 'Unreachable'
  | 'Timeout'
  | 'CertificateMismatch'
  | 'Unauthorized'
  | 'Forbidden'
  | 'Invalid'
  | 'NotFound'
  | 'Conflict'
  | 'Error';

/** One field-level complaint of the apiserver (a 422's `details.causes`). */
export type WorkloadErrorCause = StatusCause;

export class WorkloadError extends Error {
  readonly reason: WorkloadErrorReason;
  /** Trying again later may succeed (the server is unreachable, slow, overloaded, or a write raced). */
  readonly transient: boolean;
  /** The API server's URL ('' when the kubeconfig could not be read that far). */
  readonly server: string;
  /** The HTTP status, when the server answered. */
  readonly code: number | undefined;
  /** The apiserver's field causes (Invalid). */
  readonly causes: WorkloadErrorCause[];

  constructor(
    reason: WorkloadErrorReason,
    message: string,
    extra: { transient?: boolean; server?: string; code?: number; causes?: WorkloadErrorCause[] } = {},
  ) {
    super(message);
    this.name = 'WorkloadError';
    this.reason = reason;
    this.transient = extra.transient ?? false;
    this.server = extra.server ?? '';
    this.code = extra.code;
    this.causes = extra.causes ?? [];
  }
}

export const isWorkloadError = (e: unknown, reason?: WorkloadErrorReason): e is WorkloadError =>
  e instanceof WorkloadError && (reason === undefined || e.reason === reason);

export interface WorkloadClientOptions {
  /** Bound of every HTTP request, discovery included. Default 10 s. */
  requestTimeoutMs?: number;
  /** A context other than the current one. */
  context?: string;
  /**
   * Let the kubeconfig run credential plugins (exec, auth-provider) and read files
   * (certificate-authority, client-certificate, client-key, token-file). Default false.
   */
  allowExternalCredentials?: boolean;
}

export interface ObjectReference extends ResourceType {
  namespace?: string;
  name: string;
}

export interface ApplyOptions {
  /** Default `clustermint`. */
  fieldManager?: string;
  /** Take over fields another manager owns. Default true. */
  force?: boolean;
  /** Validate and admit, store nothing. */
  dryRun?: boolean;
}

export const DEFAULT_FIELD_MANAGER = 'clustermint';
const DEFAULT_TIMEOUT_MS = 10_000;
const LIST_PAGE_SIZE = 500;

/** Kubeconfig fields that run a program or read a file of the machine the client runs on. */
const EXTERNAL_USER_FIELDS = [
  'exec',
  'auth-provider',
  'token-file',
  'tokenFile',
  'client-certificate',
  'client-key',
];
const EXTERNAL_CLUSTER_FIELDS = ['certificate-authority'];

/** Node's TLS verification failures: the server's certificate is not one the kubeconfig trusts. */
const CA_MISMATCH_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);
const CERT_VALIDITY_CODES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
]);

const seg = encodeURIComponent;

/** KubeHttp whose every request (discovery included) ends within `timeoutMs`, answer read. */
class BoundedHttp extends KubeHttp {
  constructor(
    target: KubeTarget,
    private readonly timeoutMs: number,
  ) {
    // Few 429 retries: the whole request has timeoutMs anyway.
    super(target, { requestTimeoutMs: timeoutMs, maxRetries429: 3 });
  }

  override request<T = unknown>(spec: RequestSpec): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new KubeApiError(
              504,
              'Timeout',
              `${spec.method} ${spec.path}: no answer within ${this.timeoutMs} ms`,
            ),
          ),
        this.timeoutMs,
      );
    });
    return Promise.race([super.request<T>(spec), deadline]).finally(() => clearTimeout(timer));
  }

  override stream(): Promise<IncomingMessage> {
    throw new Error('WorkloadClient does not watch');
  }
}

function invalidKubeconfig(message: string, server = ''): WorkloadError {
  return new WorkloadError('InvalidKubeconfig', `invalid kubeconfig: ${message}`, { server });
}

/** The kubeconfig as a plain object, or a clear error (YAML syntax with its line and column). */
function parseKubeconfig(text: string): Record<string, unknown> {
  if (text.trim() === '') throw invalidKubeconfig('it is empty');
  // merge keys merge, as client-go's reader merges them (they were a literal "<<" key)
  const doc = parseDocument(text, { uniqueKeys: false, merge: true });
  if (doc.errors.length > 0) throw invalidKubeconfig(`not YAML: ${doc.errors[0].message.split('\n')[0]}`);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // too many aliases, a merge of something that is not a map
    throw invalidKubeconfig(`not usable YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isPlainObject(raw))
    throw invalidKubeconfig('not a mapping (expected apiVersion, clusters, users, contexts)');
  return raw;
}

/** The fields of `raw` that would run a program or read a local file. */
function externalReferences(raw: Record<string, unknown>): string[] {
  const found: string[] = [];
  const scan = (listName: string, inner: string, fields: string[]) => {
    const list = raw[listName];
    if (!Array.isArray(list)) return;
    list.forEach((entry, i) => {
      if (!isPlainObject(entry) || !isPlainObject(entry[inner])) return;
      const body = entry[inner];
      const name = typeof entry.name === 'string' ? entry.name : String(i);
      for (const f of fields)
        if (body[f] !== undefined && body[f] !== null && body[f] !== '')
          found.push(`${listName}["${name}"].${inner}.${f}`);
    });
  };
  scan('users', 'user', EXTERNAL_USER_FIELDS);
  scan('clusters', 'cluster', EXTERNAL_CLUSTER_FIELDS);
  return found;
}

/** Embedded certificate data TLS cannot use: not PEM certificates, a key not matching its certificate. */
function checkEmbeddedTls(kc: KubeConfig, server: string): void {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  const decode = (data: string | undefined | null) => (data ? Buffer.from(data, 'base64') : undefined);
  const ca = decode(cluster?.caData);
  const cert = decode(user?.certData);
  const key = decode(user?.keyData);
  if (ca !== undefined) {
    // TLS would silently skip anything in the bundle that is not a PEM certificate.
    const blocks =
      ca.toString('latin1').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0)
      throw invalidKubeconfig(
        `cluster "${cluster?.name}": certificate-authority-data holds no PEM certificate`,
        server,
      );
    for (const block of blocks)
      try {
        new X509Certificate(block);
      } catch (e) {
        throw invalidKubeconfig(
          `cluster "${cluster?.name}": certificate-authority-data: ${nodeMessage(e)}`,
          server,
        );
      }
  }
  if ((cert === undefined) !== (key === undefined))
    throw invalidKubeconfig(
      `user "${user?.name}": client-certificate-data and client-key-data go together (one is missing)`,
      server,
    );
  if (cert !== undefined)
    try {
      createSecureContext({ cert, key });
    } catch (e) {
      throw invalidKubeconfig(
        `user "${user?.name}": client-certificate-data/client-key-data: ${nodeMessage(e)}`,
        server,
      );
    }
}

/** The message of a node network/TLS error, without the stack. */
const nodeMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class WorkloadClient {
  readonly server: string;
  private readonly http: BoundedHttp;
  private readonly mapper: ResourceMapper;

  private constructor(target: KubeTarget, options: WorkloadClientOptions) {
    this.server = target.server.replace(/\/$/, '');
    try {
      this.http = new BoundedHttp(target, options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS);
    } catch (e) {
      throw invalidKubeconfig(nodeMessage(e), this.server);
    }
    this.mapper = new ResourceMapper(this.http);
  }

  /**
   * A client for the kubeconfig `text` (as stored in a cluster's kubeconfig Secret). Nothing is
   * sent yet: an unreachable server shows on the first call.
   */
  static async fromKubeconfig(text: string, options: WorkloadClientOptions = {}): Promise<WorkloadClient> {
    const raw = parseKubeconfig(text);
    if (!options.allowExternalCredentials) {
      const refs = externalReferences(raw);
      if (refs.length > 0)
        throw invalidKubeconfig(
          `${refs.join(', ')}: credential plugins and local files are not allowed in this kubeconfig (embed the certificates and tokens)`,
        );
    }
    const { KubeConfig } = await loadClientNode();
    const kc = new KubeConfig();
    try {
      // Loaded from our parse, so YAML is read one way (the yaml package) whatever client-node uses.
      kc.loadFromString(JSON.stringify(raw));
    } catch (e) {
      throw invalidKubeconfig(nodeMessage(e));
    }
    const context = options.context ?? kc.getCurrentContext();
    if (!context)
      throw invalidKubeconfig(
        options.context === undefined ? 'no current-context' : 'the context name is empty',
      );
    if (!kc.getContextObject(context))
      throw invalidKubeconfig(`context "${context}" is not in the kubeconfig`);
    kc.setCurrentContext(context);
    return WorkloadClient.fromConfig(kc, options);
  }

  /**
   * A client from a kubeconfig file the operator wrote (kubectl's rules: relative paths,
   * token files and credential plugins allowed).
   */
  static async fromKubeconfigFile(
    file: string,
    options: Omit<WorkloadClientOptions, 'allowExternalCredentials'> = {},
  ): Promise<WorkloadClient> {
    let target: KubeTarget;
    try {
      target = await loadKubeconfig(file, options.context);
    } catch (e) {
      throw invalidKubeconfig(`${file}: ${nodeMessage(e)}`);
    }
    return WorkloadClient.fromConfig(target.kubeConfig, { ...options, allowExternalCredentials: true });
  }

  private static fromConfig(kc: KubeConfig, options: WorkloadClientOptions): WorkloadClient {
    let target: KubeTarget;
    try {
      target = fromKubeConfig(kc);
    } catch (e) {
      throw invalidKubeconfig(nodeMessage(e));
    }
    const contextUser = kc.getContextObject(target.context)?.user;
    // Without a user client-node applies no TLS settings at all, not even the CA.
    if (!contextUser) throw invalidKubeconfig(`context "${target.context}" names no user`, target.server);
    let url: URL;
    try {
      url = new URL(target.server);
    } catch {
      throw invalidKubeconfig(`server "${target.server}" is not a URL`, target.server);
    }
    if (url.protocol !== 'https:')
      throw invalidKubeconfig(
        `server "${target.server}": only https:// API servers are supported`,
        target.server,
      );
    checkEmbeddedTls(kc, target.server);
    return new WorkloadClient(target, options);
  }

  /** GET /version. */
  async version(): Promise<{ gitVersion: string; major: string; minor: string }> {
    const v = await this.call('GET /version', () =>
      this.http.request<Record<string, unknown>>({ method: 'GET', path: '/version' }),
    );
    if (!isPlainObject(v) || typeof v.gitVersion !== 'string')
      throw new WorkloadError('Error', `${this.server}: GET /version: not a version answer`, {
        server: this.server,
      });
    return { gitVersion: v.gitVersion, major: String(v.major ?? ''), minor: String(v.minor ?? '') };
  }

  /**
   * Server-side apply of `obj` (the fields it names become owned by the field manager; fields
   * the manager set before and `obj` leaves out are removed). A namespaced object must name its
   * namespace; a cluster-scoped one's namespace is dropped. Server-set metadata (uid,
   * resourceVersion, managedFields, ...) is dropped too: a manifest is applied as it is meant.
   */
  async apply(obj: Record<string, unknown>, options: ApplyOptions = {}): Promise<KubeObject> {
    const type = typeOf(obj);
    const meta = isPlainObject(obj.metadata) ? obj.metadata : {};
    const name = typeof meta.name === 'string' ? meta.name : '';
    const namespace =
      typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined;
    const what = `apply ${describe(type.kind, namespace, name)}`;
    if (type.apiVersion === '' || type.kind === '')
      throw this.invalid(what, 'apiVersion and kind are required');
    if (name === '') throw this.invalid(what, 'metadata.name is required');
    const r = await this.resolve(what, type);
    if (r.namespaced && namespace === undefined)
      throw this.invalid(what, `${type.kind} is namespaced: metadata.namespace is required`);
    const metadata: Record<string, unknown> = { ...meta };
    for (const f of SERVER_METADATA_FIELDS) delete metadata[f];
    if (!r.namespaced) delete metadata.namespace;
    return this.call(what, async () =>
      typed(
        await this.http.request<KubeObject>({
          method: 'PATCH',
          path: objectPath(r, namespace, name),
          contentType: 'application/apply-patch+yaml',
          query: {
            fieldManager: options.fieldManager ?? DEFAULT_FIELD_MANAGER,
            force: (options.force ?? true) ? 'true' : undefined,
            dryRun: options.dryRun ? 'All' : undefined,
          },
          body: { ...obj, metadata },
        }),
        type,
      ),
    );
  }

  /** The object, or undefined when there is none (a kind the server does not serve is a NotFound error). */
  async get(ref: ObjectReference): Promise<KubeObject | undefined> {
    const what = `get ${describe(ref.kind, ref.namespace, ref.name)}`;
    const r = await this.resolve(what, ref);
    const path = this.refPath(what, r, ref);
    try {
      return typed(await this.call(what, () => this.http.request<KubeObject>({ method: 'GET', path })), ref);
    } catch (e) {
      if (isWorkloadError(e, 'NotFound')) return undefined;
      throw e;
    }
  }

  /** Every object of a kind (in one namespace, or all), optionally by label selector; page by page. */
  async list(
    type: ResourceType,
    options: { namespace?: string; labelSelector?: string } = {},
  ): Promise<KubeObject[]> {
    const what = `list ${type.kind}${options.namespace ? ` in ${options.namespace}` : ''}`;
    const r = await this.resolve(what, type);
    const path =
      r.namespaced && options.namespace
        ? `${r.prefix}/namespaces/${seg(options.namespace)}/${r.plural}`
        : `${r.prefix}/${r.plural}`;
    const items: KubeObject[] = [];
    let cont: string | undefined;
    do {
      const page = await this.call(what, () =>
        this.http.request<{ metadata?: { continue?: string }; items?: KubeObject[] }>({
          method: 'GET',
          path,
          query: { labelSelector: options.labelSelector || undefined, limit: LIST_PAGE_SIZE, continue: cont },
        }),
      );
      for (const o of page.items ?? []) items.push(typed(o, type));
      cont = page.metadata?.continue || undefined;
    } while (cont !== undefined);
    return items;
  }

  /**
   * Deletes the object: 'deleted' once the server accepted the deletion (finalizers may still
   * hold it), 'absent' when there was none.
   */
  async delete(
    ref: ObjectReference,
    options: { propagationPolicy?: 'Background' | 'Foreground' } = {},
  ): Promise<'deleted' | 'absent'> {
    const what = `delete ${describe(ref.kind, ref.namespace, ref.name)}`;
    const r = await this.resolve(what, ref);
    const path = this.refPath(what, r, ref);
    try {
      await this.call(what, () =>
        this.http.request({
          method: 'DELETE',
          path,
          body: {
            apiVersion: 'v1',
            kind: 'DeleteOptions',
            propagationPolicy: options.propagationPolicy ?? 'Background',
          },
        }),
      );
      return 'deleted';
    } catch (e) {
      if (isWorkloadError(e, 'NotFound')) return 'absent';
      throw e;
    }
  }

  /** PUT .../status: the object's status as given (metadata.resourceVersion, when set, must be current). */
  async updateStatus(obj: KubeObject): Promise<KubeObject> {
    const type = typeOf(obj);
    const what = `update status of ${describe(type.kind, obj.metadata?.namespace, obj.metadata?.name ?? '')}`;
    const r = await this.resolve(what, type);
    const path = `${this.refPath(what, r, { namespace: obj.metadata?.namespace, name: obj.metadata?.name ?? '' })}/status`;
    return typed(
      await this.call(what, () => this.http.request<KubeObject>({ method: 'PUT', path, body: obj })),
      type,
    );
  }

  /** Creates the namespace unless it exists. A namespace being deleted is a transient Conflict. */
  async ensureNamespace(name: string): Promise<void> {
    const what = `ensure Namespace ${name}`;
    if (name === '') throw this.invalid(what, 'a namespace name is required');
    const current = await this.get({ apiVersion: 'v1', kind: 'Namespace', name });
    if (current === undefined) {
      try {
        await this.call(what, () =>
          this.http.request({
            method: 'POST',
            path: '/api/v1/namespaces',
            query: { fieldManager: DEFAULT_FIELD_MANAGER },
            body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
          }),
        );
        return;
      } catch (e) {
        // Created meanwhile (AlreadyExists): fine.
        if (!(isWorkloadError(e, 'Conflict') && e.code === 409 && /already exists/.test(e.message))) throw e;
        return;
      }
    }
    if (current.metadata.deletionTimestamp)
      throw new WorkloadError('Conflict', `${this.server}: ${what}: the namespace is being deleted`, {
        server: this.server,
        transient: true,
        code: 409,
      });
  }

  /** Whether the server serves the kind in namespaces (discovery; NotFound for a kind it does not serve). */
  async namespaced(type: ResourceType): Promise<boolean> {
    return (await this.resolve(`${type.kind} (${type.apiVersion})`, type)).namespaced;
  }

  close(): void {
    this.http.close();
  }

  /** The resource serving a kind (discovery), failures classified. */
  private resolve(what: string, type: ResourceType): Promise<ResourceInfo> {
    return this.call(what, () => this.mapper.resolve(type));
  }

  private refPath(what: string, r: ResourceInfo, ref: { namespace?: string; name: string }): string {
    if (!ref.name) throw this.invalid(what, 'a name is required');
    if (r.namespaced && !ref.namespace)
      throw this.invalid(what, `${r.kind} is namespaced: a namespace is required`);
    return objectPath(r, ref.namespace, ref.name);
  }

  private invalid(what: string, message: string): WorkloadError {
    return new WorkloadError('Invalid', `${this.server}: ${what}: ${message}`, { server: this.server });
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw classify(e, this.server, what);
    }
  }
}

function typeOf(obj: Record<string, unknown>): ResourceType {
  return {
    apiVersion: typeof obj.apiVersion === 'string' ? obj.apiVersion : '',
    kind: typeof obj.kind === 'string' ? obj.kind : '',
  };
}

function describe(kind: string, namespace: string | undefined, name: string): string {
  return `${kind || '(no kind)'} ${namespace ? `${namespace}/` : ''}${name || '(no name)'}`;
}

function objectPath(r: ResourceInfo, namespace: string | undefined, name: string): string {
  return r.namespaced
    ? `${r.prefix}/namespaces/${seg(namespace ?? '')}/${r.plural}/${seg(name)}`
    : `${r.prefix}/${r.plural}/${seg(name)}`;
}

/** Items of core lists come without apiVersion and kind. */
function typed(o: KubeObject, type: ResourceType): KubeObject {
  o.apiVersion ??= type.apiVersion;
  o.kind ??= type.kind;
  return o;
}

/** The node error code behind a failure (a connection or TLS error), if any. */
function nodeCode(e: unknown): string | undefined {
  const cause = e instanceof KubeApiError && e.cause !== undefined ? e.cause : e;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A failure of `what` against `server` as a WorkloadError. */
export function classify(e: unknown, server: string, what: string): WorkloadError {
  if (e instanceof WorkloadError) return e;
  const at = `${server}: ${what}`;
  const code = nodeCode(e);
  const detail = e instanceof KubeApiError && e.cause instanceof Error ? e.cause.message : nodeMessage(e);
  if (code !== undefined) {
    if (CA_MISMATCH_CODES.has(code))
      return new WorkloadError(
        'CertificateMismatch',
        `${at}: the kubeconfig's certificate authority does not match the server's certificate (${code}: ${detail})`,
        { server },
      );
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
      return new WorkloadError(
        'CertificateMismatch',
        `${at}: the server's certificate is not issued for the host the kubeconfig names (${detail})`,
        { server },
      );
    if (CERT_VALIDITY_CODES.has(code))
      return new WorkloadError(
        'CertificateMismatch',
        `${at}: the server's certificate is not valid now (${detail})`,
        {
          server,
        },
      );
    if (UNREACHABLE_CODES.has(code))
      return new WorkloadError('Unreachable', `${at}: cannot reach the API server (${detail})`, {
        server,
        transient: true,
      });
    if (code === 'ETIMEDOUT')
      return new WorkloadError('Timeout', `${at}: no answer (${detail})`, { server, transient: true });
    if (code.startsWith('ERR_OSSL') || code === 'EPROTO')
      return new WorkloadError('Error', `${at}: TLS failed (${detail})`, { server });
    if (!(e instanceof KubeApiError || e instanceof StoreError))
      return new WorkloadError('Error', `${at}: ${detail}`, { server });
  }
  if (e instanceof KubeApiError || e instanceof StoreError) return fromStatus(e, at, server);
  return new WorkloadError('Error', `${at}: ${detail}`, { server });
}

/** An answer of the server (or KubeHttp's own timeout) by its HTTP status. */
function fromStatus(e: KubeApiError | StoreError, at: string, server: string): WorkloadError {
  const status: KubeStatus | undefined = e instanceof KubeApiError ? e.status : undefined;
  const code = e.code;
  const base = { server, code };
  const message = `${at}: ${e.message}`;
  if (code === 401)
    return new WorkloadError(
      'Unauthorized',
      `${at}: the server refused the kubeconfig's credentials (${e.message})`,
      base,
    );
  if (code === 403) return new WorkloadError('Forbidden', message, base);
  if (code === 404) return new WorkloadError('NotFound', message, base);
  if (code === 409) return new WorkloadError('Conflict', message, { ...base, transient: true });
  if (code === 422 || code === 400 || code === 413) {
    const given = e instanceof StoreError ? e.causes : (status?.details?.causes ?? []);
    const causes = given.map((c) => ({
      field: c.field,
      reason: c.reason,
      message: c.message,
    }));
    return new WorkloadError('Invalid', message, { ...base, causes });
  }
  if (e.reason === 'Timeout' || code === 504)
    return new WorkloadError('Timeout', message, { ...base, transient: true });
  if (code === 429 || code >= 500) return new WorkloadError('Error', message, { ...base, transient: true });
  return new WorkloadError('Error', message, base);
}
