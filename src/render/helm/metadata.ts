/**
 * Chart.yaml as Helm reads it: sigs.k8s.io/yaml into the Metadata struct (so encoding/json's
 * rules: keys match field names case-insensitively, a wrong type is an error, unknown keys are
 * ignored), then Metadata.Validate with its texts. `.Chart` in templates is metadataAsMap: the
 * struct's Go field names as keys, as Helm's structToMap makes it.
 */
import { goQuote } from '../../go/fmt.js';
import { isPlainObject, type PlainObject } from '../../util/plain-object.js';
import { newVersion } from '../functions/semver.js';
import { GoMap } from '../gotemplate/index.js';
import { scalarForStringField } from '../topology/rendered-yaml.js';
import type { HelmChart, HelmDependency, HelmMaintainer, HelmMetadata } from './chart.js';

export class HelmChartError extends Error {
  override name = 'HelmChartError';
}

type FieldKind = 'string' | 'bool' | 'strings' | 'stringMap' | 'any' | 'anys';

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (isPlainObject(v)) return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

const GO_TYPE: Record<FieldKind, string> = {
  string: 'string',
  bool: 'bool',
  strings: '[]string',
  stringMap: 'map[string]string',
  any: 'interface {}',
  anys: '[]interface {}',
};

/** encoding/json's error for a value that does not fit the field. */
function typeError(v: unknown, struct: string, field: string, kind: FieldKind, elem = false): never {
  const k = jsonKind(v);
  const what = k === 'bool' ? 'bool' : k;
  const goType = elem
    ? kind === 'strings' || kind === 'stringMap'
      ? 'string'
      : GO_TYPE[kind]
    : GO_TYPE[kind];
  throw new HelmChartError(
    `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${what} into Go struct field ${struct}.${field} of type ${goType}`,
  );
}

function decodeField(raw: unknown, kind: FieldKind, struct: string, field: string): unknown {
  if (raw === null || raw === undefined) return undefined;
  // sigs.k8s.io/yaml turns a number or bool into text where the field is a string
  const v = kind === 'string' ? scalarForStringField(raw) : raw;
  switch (kind) {
    case 'string':
      if (typeof v !== 'string') typeError(v, struct, field, kind);
      return v;
    case 'bool':
      if (typeof v !== 'boolean') typeError(v, struct, field, kind);
      return v;
    case 'strings':
      if (!Array.isArray(v)) typeError(v, struct, field, kind);
      return v.map((s) =>
        s === null ? '' : typeof s === 'string' ? s : typeError(s, struct, field, kind, true),
      );
    case 'stringMap': {
      if (!isPlainObject(v)) typeError(v, struct, field, kind);
      const out: Record<string, string> = Object.create(null);
      for (const [k, raw] of Object.entries(v)) {
        const s = scalarForStringField(raw);
        if (s !== null && typeof s !== 'string') typeError(s, struct, `${field}`, kind, true);
        out[k] = (s as string | null) ?? '';
      }
      return out;
    }
    case 'anys':
      if (!Array.isArray(v)) typeError(v, struct, field, kind);
      return v;
    default:
      return v;
  }
}

/** Reads the JSON object `obj` into fields (name -> [jsonKey, kind]) the way encoding/json does. */
function decodeStruct(
  obj: unknown,
  struct: string,
  fields: Record<string, [string, FieldKind]>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (obj === null || obj === undefined) return out;
  if (!isPlainObject(obj)) {
    throw new HelmChartError(
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(obj)} into Go value of type ${struct === 'Metadata' ? 'chart.Metadata' : `chart.${struct}`}`,
    );
  }
  const byLower = new Map<string, string>();
  for (const [name, [key]] of Object.entries(fields)) byLower.set(key.toLowerCase(), name);
  for (const [key, value] of Object.entries(obj)) {
    // an exact match wins; otherwise a case-insensitive one, as encoding/json does
    const name = Object.entries(fields).find(([, [k]]) => k === key)?.[0] ?? byLower.get(key.toLowerCase());
    if (!name) continue;
    const [jsonKey, kind] = fields[name]!;
    out[name] = decodeField(value, kind, struct, jsonKey);
  }
  return out;
}

const METADATA_FIELDS: Record<string, [string, FieldKind]> = {
  name: ['name', 'string'],
  home: ['home', 'string'],
  sources: ['sources', 'strings'],
  version: ['version', 'string'],
  description: ['description', 'string'],
  keywords: ['keywords', 'strings'],
  maintainers: ['maintainers', 'anys'],
  icon: ['icon', 'string'],
  apiVersion: ['apiVersion', 'string'],
  condition: ['condition', 'string'],
  tags: ['tags', 'string'],
  appVersion: ['appVersion', 'string'],
  deprecated: ['deprecated', 'bool'],
  annotations: ['annotations', 'stringMap'],
  kubeVersion: ['kubeVersion', 'string'],
  dependencies: ['dependencies', 'anys'],
  type: ['type', 'string'],
};

const DEPENDENCY_FIELDS: Record<string, [string, FieldKind]> = {
  name: ['name', 'string'],
  version: ['version', 'string'],
  repository: ['repository', 'string'],
  condition: ['condition', 'string'],
  tags: ['tags', 'strings'],
  enabled: ['enabled', 'bool'],
  importValues: ['import-values', 'anys'],
  alias: ['alias', 'string'],
};

const MAINTAINER_FIELDS: Record<string, [string, FieldKind]> = {
  name: ['name', 'string'],
  email: ['email', 'string'],
  url: ['url', 'string'],
};

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function decodeDependency(v: unknown): HelmDependency | null {
  if (v === null) return null;
  const d = decodeStruct(v, 'Dependency', DEPENDENCY_FIELDS);
  return {
    name: str(d.name),
    version: str(d.version),
    repository: str(d.repository),
    condition: str(d.condition),
    tags: (d.tags as string[] | undefined) ?? [],
    enabled: d.enabled === true,
    importValues: (d.importValues as unknown[] | undefined) ?? [],
    alias: str(d.alias),
  };
}

function decodeMaintainer(v: unknown): HelmMaintainer {
  const m = decodeStruct(v, 'Maintainer', MAINTAINER_FIELDS);
  return { name: str(m.name), email: str(m.email), url: str(m.url) };
}

export function emptyMetadata(): HelmMetadata {
  return {
    name: '',
    home: '',
    sources: [],
    version: '',
    description: '',
    keywords: [],
    maintainers: [],
    icon: '',
    apiVersion: '',
    condition: '',
    tags: '',
    appVersion: '',
    deprecated: false,
    annotations: null,
    kubeVersion: '',
    dependencies: [],
    type: '',
  };
}

/**
 * Decodes a Chart.yaml (or requirements.yaml) JSON value over `into` (Go's Unmarshal into an
 * existing struct: only the fields present change). Null dependency entries stay null so that
 * validation can name them.
 */
export function decodeMetadata(json: unknown, into: HelmMetadata): HelmMetadata {
  const m = decodeStruct(json, 'Metadata', METADATA_FIELDS);
  const out = { ...into };
  for (const [k, v] of Object.entries(m)) {
    if (v === undefined) continue;
    if (k === 'dependencies') out.dependencies = (v as unknown[]).map(decodeDependency) as HelmDependency[];
    else if (k === 'maintainers') out.maintainers = (v as unknown[]).map(decodeMaintainer);
    else (out as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** Go's unicode.IsSpace -> ' ', unprintable characters dropped (Helm's sanitizeString). */
function sanitize(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if ((c >= 9 && c <= 13) || c === 0x20 || c === 0x85 || c === 0xa0) out += ' ';
    else if (c >= 0x20 && !(c >= 0x7f && c <= 0x9f)) out += ch;
  }
  return out;
}

const ALIAS = /^[a-zA-Z0-9-_]+$/;

function validationError(msg: string): never {
  throw new HelmChartError(`validation: ${msg}`);
}

/** Helm's Metadata.Validate: sanitizes in place, then checks, with Helm's texts. */
export function validateMetadata(md: HelmMetadata): void {
  for (const k of [
    'name',
    'description',
    'home',
    'icon',
    'condition',
    'tags',
    'appVersion',
    'kubeVersion',
  ] as const) {
    md[k] = sanitize(md[k]);
  }
  md.sources = md.sources.map(sanitize);
  md.keywords = md.keywords.map(sanitize);
  if (md.apiVersion === '') validationError('chart.metadata.apiVersion is required');
  if (md.name === '') validationError('chart.metadata.name is required');
  if (md.name === '.' || md.name === '..')
    validationError(`chart.metadata.name ${goQuote(md.name)} is not allowed`);
  if (md.name.includes('/') || md.name.includes('\\')) {
    validationError(`chart.metadata.name ${goQuote(md.name)} is invalid`);
  }
  if (md.version === '') validationError('chart.metadata.version is required');
  try {
    newVersion(md.version);
  } catch {
    validationError(`chart.metadata.version ${goQuote(md.version)} is invalid`);
  }
  if (!['', 'application', 'library'].includes(md.type)) {
    validationError('chart.metadata.type must be application or library');
  }
  const seen = new Set<string>();
  for (const d of md.dependencies) {
    if (d === null) validationError('dependencies must not contain empty or null nodes');
    d.name = sanitize(d.name);
    d.version = sanitize(d.version);
    d.repository = sanitize(d.repository);
    d.condition = sanitize(d.condition);
    d.tags = d.tags.map(sanitize);
    if (d.alias !== '' && !ALIAS.test(d.alias)) {
      validationError(`dependency ${goQuote(d.name)} has disallowed characters in the alias`);
    }
    const key = d.alias || d.name;
    if (seen.has(key)) validationError(`more than one dependency with name or alias ${goQuote(key)}`);
    seen.add(key);
  }
}

function dependencyAsMap(d: HelmDependency): PlainObject {
  return {
    Name: d.name,
    Version: d.version,
    Repository: d.repository,
    Condition: d.condition,
    Tags: [...d.tags],
    Enabled: d.enabled,
    ImportValues: [...d.importValues],
    Alias: d.alias,
  };
}

/** `.Chart`: the Metadata struct as a map keyed by Go field names, plus IsRoot. */
export function metadataAsMap(c: HelmChart): PlainObject {
  const md = c.metadata;
  return {
    Name: md.name,
    Home: md.home,
    Sources: [...md.sources],
    Version: md.version,
    Description: md.description,
    Keywords: [...md.keywords],
    Maintainers: md.maintainers.map((m) => ({ Name: m.name, Email: m.email, URL: m.url })),
    Icon: md.icon,
    APIVersion: md.apiVersion,
    Condition: md.condition,
    Tags: md.tags,
    AppVersion: md.appVersion,
    Deprecated: md.deprecated,
    Annotations: new GoMap('string', { ...(md.annotations ?? {}) }, md.annotations === null),
    KubeVersion: md.kubeVersion,
    Dependencies: md.dependencies.map(dependencyAsMap),
    Type: md.type,
    IsRoot: c.parent === undefined,
  };
}
