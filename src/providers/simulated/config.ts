/**
 * The simulated cloud's knobs: defaults from SimulatedCloudOptions, then the rendered
 * SimulatedCluster's spec, the SimulatedMachineTemplate's spec, and last the
 * `simulated.clustermint.io/*` annotations of the SimulatedCluster (they win over everything,
 * so a test or an experiment can inject faults into any rendered cluster).
 */

import { parse as parseYaml } from 'yaml';
import { DurationError, parseDuration } from '../../go/duration.js';
import type { RenderedObject } from '../../k8s/object.js';
import { append } from '../../util/append.js';
import type { Endpoint } from '../contract.js';
import { TerminalProviderError } from '../errors.js';
import { annotationsOf, at, isRecord, numberAt, stringAt, stringsAt } from '../objects.js';

export const ANNOTATION_PREFIX = 'simulated.clustermint.io/';

/** Per-machine behaviour. Rates are fractions in [0, 1]. */
export interface MachineKnobs {
  bootDelayMs: number;
  /** Boot delay varies by ± this fraction (CAPI in-memory provider: startupJitter). */
  bootJitter: number;
  bootFailureRate: number;
  /** This share of machines boots slowBootFactor times slower. */
  slowBootRate: number;
  slowBootFactor: number;
  /** A Ready node turns NotReady this long after it became Ready; null: never. */
  notReadyAfterMs: number | null;
  /** The share of nodes that turn NotReady (when notReadyAfterMs is set). */
  notReadyRate: number;
}

/** A zone outage as configured: start relative to the cluster's creation, or absolute. */
export interface ZoneOutageSpec {
  zone: string;
  /** ms after the cluster's creation, unless `at` is given. */
  startMs?: number;
  /** Absolute start (ms since the epoch). */
  at?: number;
  /** Absent: until further notice. */
  durationMs?: number;
}

/** Options of a SimulatedCloud: defaults for every cluster it simulates. */
export interface SimulatedCloudOptions {
  /** Default seed; a cluster without one uses a hash of its id. */
  seed?: number | string;
  bootDelayMs?: number;
  bootJitter?: number;
  bootFailureRate?: number;
  slowBootRate?: number;
  slowBootFactor?: number;
  notReadyAfterMs?: number | null;
  notReadyRate?: number;
  /** Time until a cluster's infrastructure is ready. */
  clusterDelayMs?: number;
  /** Time a deletion takes (machines, clusters, hosted control planes). */
  deleteDelayMs?: number;
  /** Time a hosted control plane takes to start, and each upgrade. */
  controlPlaneDelayMs?: number;
  /** Share of mutating calls that fail with a TransientProviderError. */
  apiErrorRate?: number;
  zoneOutages?: ZoneOutageSpec[];
}

export const DEFAULTS = {
  bootDelayMs: 2000,
  bootJitter: 0.2,
  bootFailureRate: 0,
  slowBootRate: 0,
  slowBootFactor: 5,
  notReadyAfterMs: null,
  notReadyRate: 1,
  clusterDelayMs: 1000,
  deleteDelayMs: 1000,
  controlPlaneDelayMs: 5000,
  apiErrorRate: 0,
} as const;

/** Cluster-wide settings, resolved when the cluster is ensured and stored with it. */
export interface ClusterSettings {
  seed: string;
  region: string;
  zones: string[];
  endpoint?: Endpoint;
  outages: ZoneOutageSpec[];
  clusterDelayMs: number;
  deleteDelayMs: number;
  controlPlaneDelayMs: number;
  apiErrorRate: number;
  /** Knobs from the cluster's annotations; they override the machine template's. */
  machineOverrides: Partial<MachineKnobs>;
}

type Parser = (v: string, key: string) => unknown;

function bad(key: string, value: string, what: string): never {
  throw new TerminalProviderError('InvalidSimulationConfig', `${key}: "${value}" is not ${what}`);
}

export function durationMs(text: string, where: string): number {
  try {
    const ns = parseDuration(text.trim());
    if (ns < 0n) throw new DurationError('negative');
    return Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
  } catch {
    throw new TerminalProviderError(
      'InvalidSimulationConfig',
      `${where}: "${text}" is not a duration such as 500ms, 5s or 1m30s`,
    );
  }
}

const rate: Parser = (v, key) => {
  const n = Number(v);
  return v.trim() !== '' && n >= 0 && n <= 1 ? n : bad(key, v, 'a fraction between 0 and 1');
};
const duration: Parser = (v, key) => durationMs(v, key);
const factor: Parser = (v, key) => {
  const n = Number(v);
  return v.trim() !== '' && n >= 1 && Number.isFinite(n) ? n : bad(key, v, 'a factor of at least 1');
};
const optionalDuration: Parser = (v, key) =>
  v.trim() === '' || v.trim() === 'never' ? null : duration(v, key);

/** Annotation -> [field, parser, where it goes]. */
const ANNOTATIONS: Record<string, [string, Parser, 'machine' | 'cluster']> = {
  'boot-delay': ['bootDelayMs', duration, 'machine'],
  'boot-jitter': ['bootJitter', rate, 'machine'],
  'boot-failure-rate': ['bootFailureRate', rate, 'machine'],
  'slow-boot-rate': ['slowBootRate', rate, 'machine'],
  'slow-boot-factor': ['slowBootFactor', factor, 'machine'],
  'not-ready-after': ['notReadyAfterMs', optionalDuration, 'machine'],
  'not-ready-rate': ['notReadyRate', rate, 'machine'],
  'cluster-delay': ['clusterDelayMs', duration, 'cluster'],
  'delete-delay': ['deleteDelayMs', duration, 'cluster'],
  'control-plane-delay': ['controlPlaneDelayMs', duration, 'cluster'],
  'api-error-rate': ['apiErrorRate', rate, 'cluster'],
};
const OTHER_ANNOTATIONS = ['seed', 'zone-outage'];
export const KNOWN_ANNOTATIONS = [...Object.keys(ANNOTATIONS), ...OTHER_ANNOTATIONS].sort();

/**
 * `zone[@start][/duration]`, comma-separated: start is a duration after the cluster's creation
 * or an RFC 3339 time; no duration means until the annotation is removed.
 * E.g. `sim-eu-c@10m/5m, sim-eu-b@2025-01-01T00:10:00Z/1h, sim-eu-a`.
 */
export function parseZoneOutages(text: string, key: string): ZoneOutageSpec[] {
  const out: ZoneOutageSpec[] = [];
  for (const part of text.split(',').map((s) => s.trim())) {
    if (!part) continue;
    const m = /^([^@/\s]+)(?:@([^/\s]+))?(?:\/(\S+))?$/.exec(part);
    if (!m) bad(key, part, 'zone[@start][/duration], e.g. zone-a@10m/5m');
    const o: ZoneOutageSpec = { zone: m[1] };
    if (m[2] !== undefined) {
      if (/^\d{4}-\d\d-\d\dT/.test(m[2])) {
        const t = Date.parse(m[2]);
        if (Number.isNaN(t)) bad(key, m[2], 'an RFC 3339 time');
        o.at = t;
      } else o.startMs = durationMs(m[2], key);
    }
    if (m[3] !== undefined) o.durationMs = durationMs(m[3], key);
    out.push(o);
  }
  return out;
}

function checkRate(v: number | undefined, where: string): number | undefined {
  if (v !== undefined && !(v >= 0 && v <= 1)) {
    throw new TerminalProviderError(
      'InvalidSimulationConfig',
      `${where}: ${v} is not a fraction between 0 and 1`,
    );
  }
  return v;
}

export function clusterSettings(
  clusterId: string,
  obj: RenderedObject,
  options: SimulatedCloudOptions,
): ClusterSettings {
  if (obj.kind !== 'SimulatedCluster') {
    throw new TerminalProviderError(
      'WrongKind',
      `the simulated provider got a ${obj.kind}, not a SimulatedCluster`,
    );
  }
  const zones = stringsAt(obj, 'spec', 'zones') ?? [];
  if (zones.length === 0) {
    throw new TerminalProviderError(
      'InvalidSimulationConfig',
      `SimulatedCluster ${obj.metadata.name}: spec.zones is empty`,
    );
  }
  if (new Set(zones).size !== zones.length) {
    throw new TerminalProviderError(
      'InvalidSimulationConfig',
      `SimulatedCluster ${obj.metadata.name}: spec.zones has duplicates`,
    );
  }
  const s: ClusterSettings = {
    seed: String(numberAt(obj, 'spec', 'seed') ?? options.seed ?? `cluster:${clusterId}`),
    region: stringAt(obj, 'spec', 'region') ?? 'local',
    zones,
    outages: [
      ...(options.zoneOutages ?? []),
      ...(stringsAt(obj, 'spec', 'faults', 'zoneOutage') ?? []).map((zone) => ({ zone })),
    ],
    clusterDelayMs: options.clusterDelayMs ?? DEFAULTS.clusterDelayMs,
    deleteDelayMs: options.deleteDelayMs ?? DEFAULTS.deleteDelayMs,
    controlPlaneDelayMs: options.controlPlaneDelayMs ?? DEFAULTS.controlPlaneDelayMs,
    apiErrorRate: checkRate(options.apiErrorRate, 'apiErrorRate') ?? DEFAULTS.apiErrorRate,
    machineOverrides: {},
  };
  const ep = at(obj, 'spec', 'controlPlaneEndpoint');
  if (isRecord(ep) && typeof ep.host === 'string' && typeof ep.port === 'number')
    s.endpoint = { host: ep.host, port: ep.port };

  const annotations = annotationsOf(obj);
  const cluster = s as unknown as Record<string, unknown>;
  for (const key of Object.keys(annotations).sort()) {
    if (!key.startsWith(ANNOTATION_PREFIX)) continue;
    const name = key.slice(ANNOTATION_PREFIX.length);
    const value = annotations[key];
    if (name === 'seed') s.seed = value;
    else if (name === 'zone-outage') append(s.outages, parseZoneOutages(value, `annotation ${key}`));
    else if (Object.hasOwn(ANNOTATIONS, name)) {
      const [field, parse, where] = ANNOTATIONS[name];
      const v = parse(value, `annotation ${key}`);
      if (where === 'cluster') cluster[field] = v;
      else (s.machineOverrides as Record<string, unknown>)[field] = v;
    } else {
      throw new TerminalProviderError(
        'InvalidSimulationConfig',
        `unknown annotation ${key}; known: ${KNOWN_ANNOTATIONS.map((k) => ANNOTATION_PREFIX + k).join(', ')}`,
      );
    }
  }
  for (const o of s.outages) {
    if (!zones.includes(o.zone)) {
      throw new TerminalProviderError(
        'InvalidSimulationConfig',
        `zone outage names "${o.zone}", which is not one of spec.zones (${zones.join(', ')})`,
      );
    }
  }
  return s;
}

/** Knobs a SimulatedMachineTemplate (spec.template.spec) or machine (spec) sets. */
export function templateKnobs(obj: RenderedObject): {
  knobs: Partial<MachineKnobs>;
  zone?: string;
  instanceType: string;
} {
  if (obj.kind !== 'SimulatedMachineTemplate' && obj.kind !== 'SimulatedMachine') {
    throw new TerminalProviderError(
      'WrongKind',
      `the simulated provider got a ${obj.kind}, not a SimulatedMachineTemplate`,
    );
  }
  const spec = obj.kind === 'SimulatedMachineTemplate' ? at(obj, 'spec', 'template', 'spec') : obj.spec;
  const where = `${obj.kind} ${obj.metadata.name}`;
  const knobs: Partial<MachineKnobs> = {};
  const delay = stringAt(spec, 'bootDelay');
  if (delay) knobs.bootDelayMs = durationMs(delay, `${where} bootDelay`);
  const rateValue = checkRate(numberAt(spec, 'bootFailureRate'), `${where} bootFailureRate`);
  if (rateValue !== undefined) knobs.bootFailureRate = rateValue;
  const nr = stringAt(spec, 'notReadyAfter');
  if (nr) knobs.notReadyAfterMs = durationMs(nr, `${where} notReadyAfter`);
  const zone = stringAt(spec, 'zone') || undefined;
  return { knobs, zone, instanceType: stringAt(spec, 'instanceType') ?? 'sim.small' };
}

/** options < template < cluster annotations. */
export function machineKnobs(
  options: SimulatedCloudOptions,
  template: Partial<MachineKnobs>,
  settings: ClusterSettings,
): MachineKnobs {
  const base: MachineKnobs = {
    bootDelayMs: options.bootDelayMs ?? DEFAULTS.bootDelayMs,
    bootJitter: options.bootJitter ?? DEFAULTS.bootJitter,
    bootFailureRate: options.bootFailureRate ?? DEFAULTS.bootFailureRate,
    slowBootRate: options.slowBootRate ?? DEFAULTS.slowBootRate,
    slowBootFactor: options.slowBootFactor ?? DEFAULTS.slowBootFactor,
    notReadyAfterMs: options.notReadyAfterMs ?? DEFAULTS.notReadyAfterMs,
    notReadyRate: options.notReadyRate ?? DEFAULTS.notReadyRate,
  };
  return { ...base, ...template, ...settings.machineOverrides };
}

/** Option fields by annotation name, for a config file written with the annotations' names. */
const OPTION_FIELDS: Record<string, keyof SimulatedCloudOptions> = {
  'boot-delay': 'bootDelayMs',
  'boot-jitter': 'bootJitter',
  'boot-failure-rate': 'bootFailureRate',
  'slow-boot-rate': 'slowBootRate',
  'slow-boot-factor': 'slowBootFactor',
  'not-ready-after': 'notReadyAfterMs',
  'not-ready-rate': 'notReadyRate',
  'cluster-delay': 'clusterDelayMs',
  'delete-delay': 'deleteDelayMs',
  'control-plane-delay': 'controlPlaneDelayMs',
  'api-error-rate': 'apiErrorRate',
};

/**
 * SimulatedCloudOptions from a YAML/JSON config file whose keys are the annotation names
 * (`boot-delay: 5s`, `seed: 42`, `zone-outage: zone-a@10m/5m`).
 */
export function parseSimulatedCloudOptions(text: string, file: string): SimulatedCloudOptions {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 0 });
  } catch (e) {
    throw new TerminalProviderError(
      'InvalidSimulationConfig',
      `${file}: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  if (doc === null || doc === undefined) return {};
  if (!isRecord(doc)) throw new TerminalProviderError('InvalidSimulationConfig', `${file}: not a mapping`);
  const out: Record<string, unknown> = {};
  for (const [k, raw] of Object.entries(doc)) {
    const value = raw === null ? '' : String(raw);
    const where = `${file}: ${k}`;
    if (k === 'seed') out.seed = value;
    else if (k === 'zone-outage') out.zoneOutages = parseZoneOutages(value, where);
    else if (Object.hasOwn(OPTION_FIELDS, k)) out[OPTION_FIELDS[k]] = ANNOTATIONS[k][1](value, where);
    else {
      throw new TerminalProviderError(
        'InvalidSimulationConfig',
        `${file}: unknown key ${k}; known: ${KNOWN_ANNOTATIONS.join(', ')}`,
      );
    }
  }
  return out as SimulatedCloudOptions;
}
