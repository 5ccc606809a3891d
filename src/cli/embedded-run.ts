/**
 * The embedded runtime behind apply / get / describe / delete / plan / controller: the SQLite
 * state file (`--state`, default ./.clustermint/state.db), the simulated cloud's file beside it
 * (simulated-cloud.db) and the reconciler on the wall clock.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type ClusterEvent, compareEvents, EVENT_TYPE } from '../api/event.js';
import {
  type Controller,
  createController,
  type EventInput,
  type RuntimeLogger,
} from '../controller/index.js';
import { CLUSTER_DEPLOYMENT_TYPE } from '../controller/runtime.js';
import { DEFAULT_MAX_MACHINES, parseMaxMachines } from '../domain/machine-ceiling.js';
import { loadPolicyFiles } from '../policy/policy-files.js';
import { embeddedRegistry, SimulatedCloud, systemClock } from '../providers/index.js';
import { TemplateCatalog } from '../resolve/catalog.js';
import { isNotFound } from '../store/errors.js';
import { DEFAULT_STATE_PATH, openSqliteStore, type SqliteStore } from '../store/index.js';
import type { KubeObject, Store } from '../store/types.js';
import { ClustermintError } from '../util/errors.js';
import { printable, quote } from '../util/printable.js';
import type { IO } from './io.js';

export { DEFAULT_STATE_PATH };
export const CD_TYPE = CLUSTER_DEPLOYMENT_TYPE;

export interface StateOptions {
  state: string;
}

export interface EmbeddedOptions extends StateOptions {
  templates: string[];
  policies: string[];
  onEvent?: (e: EventInput) => void;
  /** Events expire after this long (ms; default 1 h; 0: never). */
  eventTtlMs?: number;
  /** Where the runtime reports trouble of its own (a watch that failed and is restarted). */
  logger?: RuntimeLogger;
  /** How often delivered services are checked for drift (ms; default: the controller's). */
  driftIntervalMs?: number;
  /** How often adopted clusters are probed (ms; default: the controller's). */
  adoptedProbeMs?: number;
  /** The platform's ceiling on machines per deployment; absent: the remembered one, else the default. */
  maxMachines?: number;
  /** How long a deleted deployment's history is kept (ms; default: the controller's, 720h). */
  historyRetentionMs?: number;
}

/** The runtime's warnings as plain `warning:` lines on stderr (the embedded commands have no JSON log). */
export function stderrLogger(io: IO): RuntimeLogger {
  return {
    warn: (fields, message) => {
      const detail = Object.entries(fields)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      io.err(`warning: ${message}${detail ? ` (${detail})` : ''}\n`);
    },
  };
}

export function cloudPathFor(state: string): string {
  return join(dirname(state), 'simulated-cloud.db');
}

export function openState(state: string, mustExist = false): SqliteStore {
  if (mustExist && !existsSync(state))
    throw new ClustermintError(
      'UNREADABLE',
      'no state file: nothing has been applied yet (see clustermint apply)',
      {
        file: state,
      },
    );
  return openSqliteStore(state);
}

export interface Embedded {
  store: SqliteStore;
  cloud: SimulatedCloud;
  controller: Controller;
  /** The machine ceiling the reconciler applies (given, remembered or the default). */
  maxMachines: number;
  close(): Promise<void>;
}

/**
 * The reconciler's settings live with the state (a ConfigMap clustermint-system/embedded-config):
 * `--policies` / `--templates` given to apply or controller are remembered (as absolute paths),
 * so a later `controller` or `delete --wait` gates with the same policies and finds the same charts;
 * `--max-machines` likewise (a ceiling raised once stays raised until given again).
 */
const CONFIG_REF = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  namespace: 'clustermint-system',
  name: 'embedded-config',
};

interface Settings {
  policies: string[];
  templates: string[];
  /** Absent: none remembered (the default applies). */
  maxMachines?: number;
}

async function settings(store: SqliteStore, o: EmbeddedOptions): Promise<Settings> {
  let saved: Settings = { policies: [], templates: [] };
  let old: KubeObject | undefined;
  try {
    old = await store.get(CONFIG_REF);
    const data = (old.data ?? {}) as Record<string, string>;
    const maxMachines = data.maxMachines === undefined ? undefined : parseMaxMachines(data.maxMachines);
    if (data.maxMachines !== undefined && maxMachines === undefined)
      throw new ClustermintError(
        'UNREADABLE',
        `the remembered maxMachines ${JSON.stringify(data.maxMachines)} is not a whole number of at least 1; give --max-machines to replace it`,
        { file: o.state, path: 'ConfigMap clustermint-system/embedded-config data.maxMachines' },
      );
    saved = {
      policies: JSON.parse(data.policies ?? '[]'),
      templates: JSON.parse(data.templates ?? '[]'),
      ...(maxMachines !== undefined ? { maxMachines } : {}),
    };
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const maxMachines = o.maxMachines ?? saved.maxMachines;
  const next: Settings = {
    policies: o.policies.length ? o.policies.map((p) => resolve(p)) : saved.policies,
    templates: o.templates.length ? o.templates.map((p) => resolve(p)) : saved.templates,
    ...(maxMachines !== undefined ? { maxMachines } : {}),
  };
  const data: Record<string, string> = {
    policies: JSON.stringify(next.policies),
    templates: JSON.stringify(next.templates),
    ...(next.maxMachines !== undefined ? { maxMachines: String(next.maxMachines) } : {}),
  };
  if (!old) {
    if (next.policies.length || next.templates.length || next.maxMachines !== undefined)
      await store.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: CONFIG_REF.name, namespace: CONFIG_REF.namespace },
        data,
      });
  } else await store.update({ ...old, data });
  return next;
}

export async function openEmbedded(o: EmbeddedOptions): Promise<Embedded> {
  const store = openState(o.state);
  let policies: ReturnType<typeof loadPolicyFiles>;
  let catalog: TemplateCatalog;
  let maxMachines: number;
  try {
    const s = await settings(store, o);
    maxMachines = s.maxMachines ?? DEFAULT_MAX_MACHINES;
    policies = loadPolicyFiles(s.policies);
    catalog = new TemplateCatalog(s.templates);
  } catch (e) {
    await store.close();
    throw e;
  }
  const cloud = new SimulatedCloud({ clock: systemClock, path: cloudPathFor(o.state) });
  const controller = createController({
    store,
    registry: embeddedRegistry(cloud),
    clock: systemClock,
    catalog,
    policies,
    // the embedded runtime runs as the user: an adopted cluster may name a kubeconfig file
    allowKubeconfigFiles: true,
    maxMachines,
    ...(o.onEvent ? { onEvent: o.onEvent } : {}),
    ...(o.eventTtlMs !== undefined ? { eventTtlMs: o.eventTtlMs } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.driftIntervalMs !== undefined ? { driftIntervalMs: o.driftIntervalMs } : {}),
    ...(o.adoptedProbeMs !== undefined ? { adoptedProbeMs: o.adoptedProbeMs } : {}),
    ...(o.historyRetentionMs !== undefined ? { historyRetentionMs: o.historyRetentionMs } : {}),
  });
  return {
    store,
    cloud,
    controller,
    maxMachines,
    async close() {
      await controller.runtime.stop();
      controller.workloadClients.closeAll();
      await store.close();
      cloud.close();
    },
  };
}

/** `10m`, `90s`, `1h30m`, `500ms` -> ms. */
export function parseTimeout(text: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(text.trim());
  if (!m || text.trim() === '')
    throw new ClustermintError('USAGE', `--timeout ${quote(text)} is not a duration such as 10m, 90s or 1h`);
  const [h, mi, s, ms] = m.slice(1).map((x) => Number(x ?? 0));
  return ((h * 60 + mi) * 60 + s) * 1000 + ms;
}

/** One progress line for an event. */
export function eventLine(e: EventInput, nowMs = Date.now()): string {
  const t = new Date(nowMs).toISOString().slice(11, 19);
  const what =
    e.involved.kind === 'ClusterDeployment' ? '' : ` ${e.involved.kind.toLowerCase()}/${e.involved.name}`;
  // one line whatever the message holds (it may quote input): escaped, newlines included
  return `${printable(`${t} ${e.namespace}/${e.deployment}${what} ${e.type === 'Warning' ? 'Warning ' : ''}${e.reason}: ${e.message}`, { oneLine: true })}\n`;
}

export async function deploymentEvents(
  store: Pick<Store, 'list'>,
  namespace: string,
  name: string,
): Promise<ClusterEvent[]> {
  const l = await store.list(EVENT_TYPE, {
    namespace,
    labelSelector: `clustermint.io/cluster-deployment=${name}`,
  });
  return (l.items as ClusterEvent[]).sort(compareEvents);
}

export type Outcome = 'ready' | 'denied' | 'failed' | 'deleted' | 'pending';

/** Ready conditions whose reason means the deployment will not become Ready without a change. */
const FAILED_REASONS = new Set([
  'ProviderError',
  'DowngradeRefused',
  'SkippedMinor',
  'UpgradeNotAllowed',
  'TemplateNotFound',
  'TemplateInvalid',
  'ValuesInvalid',
  'MissingObject',
  'NoCluster',
  'NoVersion',
  'InvalidVersion',
  'DryRun',
  'TooManyMachines',
]);

export function outcomeOf(cd: KubeObject | undefined): { outcome: Outcome; message: string } {
  if (!cd) return { outcome: 'deleted', message: 'deleted' };
  const st = (cd.status ?? {}) as {
    observedGeneration?: number;
    conditions?: { type: string; status: string; reason: string; message: string }[];
  };
  if (st.observedGeneration !== cd.metadata.generation)
    return { outcome: 'pending', message: 'not yet reconciled' };
  const ready = st.conditions?.find((c) => c.type === 'Ready');
  if (!ready) return { outcome: 'pending', message: 'not yet reconciled' };
  if (ready.status === 'True') return { outcome: 'ready', message: ready.message };
  if (ready.reason === 'PolicyDenied') return { outcome: 'denied', message: ready.message };
  if (FAILED_REASONS.has(ready.reason))
    return { outcome: 'failed', message: `${ready.reason}: ${ready.message}` };
  return { outcome: 'pending', message: ready.message };
}
