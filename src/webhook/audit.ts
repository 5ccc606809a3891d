/**
 * The audit trail of ClusterDeployments (docs/webhook.md): who created, changed, upgraded or
 * deleted each one, and what the gate said, appended to the DeploymentHistory of the same name
 * in its namespace. `auditRecord` decides what a request records (pure); `AuditWriter` writes
 * after the answer was sent: one bounded queue, one write at a time, a conflict retried. A
 * write never delays or fails an admission: what cannot be written is logged and dropped.
 */
import { type AuditEntry, auditAction } from '../domain/audit.js';
import { appendHistoryEntry } from '../store/deployment-history.js';
import type { Store } from '../store/types.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import type { AdmissionMode } from './admit.js';
import type { Logger } from './log.js';
import type { AdmissionRequest, AdmissionResponse } from './review.js';

const obj = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export interface AuditRecord {
  namespace: string;
  /** The ClusterDeployment's name, which is also its history's. */
  name: string;
  uid?: string;
  entry: AuditEntry;
}

const DEPLOYMENT_GROUPS = new Set(['clustermint.io', 'k0rdent.mirantis.com']);

/** Same JSON value, key order ignored. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && same(a[k], b[k]));
  }
  return false;
}

/** The violation lines of a denial: its message less the `... denied by clustermint:` header. */
function violationLines(response: AdmissionResponse): string[] {
  const lines = (response.status?.message ?? '').split('\n');
  const items = lines.filter((l) => l.startsWith('- ')).map((l) => l.slice(2));
  return items.length ? items : lines.filter((l) => l.trim() !== '');
}

/**
 * The entry a validating ClusterDeployment request adds to its history, or undefined: not a
 * ClusterDeployment, the mutating pass, a dry run, a subresource, an UPDATE that changed
 * neither spec nor labels (finalizers, status, the deletion's own updates), or a DELETE of an
 * object already being deleted (a repeated `kubectl delete`).
 */
export function auditRecord(
  req: AdmissionRequest,
  response: AdmissionResponse,
  mode: AdmissionMode,
  now: Date,
): AuditRecord | undefined {
  if (mode !== 'validate' || req.dryRun || req.subResource) return undefined;
  if (req.kind.kind !== 'ClusterDeployment' || !DEPLOYMENT_GROUPS.has(req.kind.group)) return undefined;
  if (req.operation === 'CONNECT') return undefined;
  const current = req.operation === 'DELETE' ? undefined : req.object;
  const old = req.operation === 'CREATE' ? undefined : req.oldObject;
  if (req.operation === 'UPDATE') {
    if (!current || !old) return undefined;
    if (
      same(obj(old).spec, current.spec) &&
      same(obj(obj(old).metadata).labels, obj(current.metadata).labels)
    )
      return undefined;
  }
  if (req.operation === 'DELETE' && obj(obj(old).metadata).deletionTimestamp) return undefined;
  const subject = current ?? old;
  if (!subject) return undefined;
  const meta = obj(subject.metadata);
  const name = str(meta.name) || req.name;
  const namespace = req.namespace || str(meta.namespace);
  if (!name || !namespace) return undefined; // generateName: the name is not known yet
  const op = req.operation === 'CREATE' ? 'create' : req.operation === 'UPDATE' ? 'update' : 'delete';
  const oldTemplate = old ? str(obj(old.spec).template) || undefined : undefined;
  const newTemplate = current ? str(obj(current.spec).template) || undefined : undefined;
  const template = newTemplate ?? oldTemplate ?? '';
  const credential = str(obj(subject.spec).credential);
  const oldGeneration = Number(obj(old?.metadata).generation);
  const generation =
    op === 'create'
      ? 1
      : Number.isInteger(oldGeneration)
        ? oldGeneration + (op === 'update' ? 1 : 0)
        : undefined;
  const entry: AuditEntry = {
    time: now.toISOString(),
    user: req.userInfo.username,
    ...(req.userInfo.groups.length ? { groups: [...req.userInfo.groups] } : {}),
    via: 'webhook',
    action: auditAction(op, response.allowed, oldTemplate, newTemplate),
    template,
    ...(oldTemplate && newTemplate && oldTemplate !== newTemplate ? { fromTemplate: oldTemplate } : {}),
    ...(credential ? { credential } : {}),
    ...(response.allowed && generation !== undefined ? { generation } : {}),
    allowed: response.allowed,
    ...(response.allowed ? {} : { violations: violationLines(response) }),
    ...(response.warnings?.length ? { warnings: response.warnings.length } : {}),
  };
  const uid = str(meta.uid);
  return { namespace, name, ...(uid ? { uid } : {}), entry };
}

export interface AuditWriterOptions {
  /** Records waiting beyond this are dropped (logged). Default 1000. */
  maxQueue?: number;
  /** Attempts per record on a conflict (another writer appended first). Default 5. */
  attempts?: number;
}

/** Appends records to DeploymentHistories, one at a time, in the order they came. */
export class AuditWriter {
  private readonly queue: AuditRecord[] = [];
  private running: Promise<void> | undefined;
  private readonly maxQueue: number;
  private readonly attempts: number;
  /** Records written, and dropped (queue full or a write that failed). */
  written = 0;
  dropped = 0;

  constructor(
    private readonly store: Pick<Store, 'get' | 'create' | 'update'>,
    private readonly log: Logger,
    opts: AuditWriterOptions = {},
  ) {
    this.maxQueue = opts.maxQueue ?? 1000;
    this.attempts = opts.attempts ?? 5;
  }

  /** Queues a record; false (and logged) when the queue is full. Never throws. */
  push(record: AuditRecord): boolean {
    if (this.queue.length >= this.maxQueue) {
      this.dropped++;
      this.log.warn(
        { namespace: record.namespace, name: record.name, action: record.entry.action },
        'the audit queue is full; an entry of a DeploymentHistory is dropped',
      );
      return false;
    }
    this.queue.push(record);
    this.running ??= this.drainLoop().finally(() => {
      this.running = undefined;
    });
    return true;
  }

  /** Resolves when every queued record was written or dropped. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drainLoop(): Promise<void> {
    // let the response go out first: writes start on a later turn of the event loop
    await new Promise((r) => setImmediate(r));
    for (let r = this.queue.shift(); r; r = this.queue.shift()) {
      try {
        await this.write(r);
        this.written++;
      } catch (e) {
        this.dropped++;
        this.log.warn(
          { namespace: r.namespace, name: r.name, action: r.entry.action, err: (e as Error).message },
          'writing a DeploymentHistory entry failed; the entry is dropped',
        );
      }
    }
  }

  private write(r: AuditRecord): Promise<void> {
    return appendHistoryEntry(this.store, r, r.entry, this.attempts);
  }
}
