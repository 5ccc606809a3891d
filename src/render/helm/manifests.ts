/**
 * From rendered files to `helm template`'s output (pkg/release/v1/util SortManifests and the
 * template command): files in name order, split at `---` lines, each document's head read
 * (apiVersion, kind, name, annotations), hooks (helm.sh/hook) set apart, both stably sorted by
 * Helm's install order of kinds, then written as `---\n# Source: FILE\nDOC\n`.
 */
import { filepathMatch } from '../../go/filepath-match.js';
import { compareInstallOrder } from '../../k8s/install-order.js';
import { isPlainObject } from '../../util/plain-object.js';
import { scalarForStringField, unmarshalGoYaml } from '../topology/rendered-yaml.js';

export interface ManifestHead {
  apiVersion: string;
  kind: string;
  name: string;
  annotations: Record<string, string> | null;
}

export interface Manifest {
  /** The file it came from (`chart/templates/x.yaml`). */
  name: string;
  content: string;
  head: ManifestHead;
  /** The document as sigs.k8s.io/yaml reads it (read once, for the head and for the gate). */
  value: unknown;
}

export interface Hook extends Manifest {
  events: string[];
  weight: number;
}

export class ManifestParseError extends Error {
  override name = 'ManifestParseError';
}

const HOOK_EVENTS = new Set([
  'pre-install',
  'post-install',
  'pre-delete',
  'post-delete',
  'pre-upgrade',
  'post-upgrade',
  'pre-rollback',
  'post-rollback',
  'test',
  'test-success',
]);

/** releaseutil.SplitManifests: documents at `---` line starts, blank ones dropped, in order. */
export function splitManifests(text: string): string[] {
  const trimmed = text.replace(/^\s+/, '');
  return trimmed
    .split(/^---[ \t]*/m)
    .filter((d) => d.trim() !== '')
    .map((d) => d.replace(/^\s+/, ''));
}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (isPlainObject(v)) return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/** yaml.Unmarshal into SimpleHead, with encoding/json's type errors. */
export function readHead(doc: string): ManifestHead {
  return headOf(readDocument(doc));
}

/** A rendered document as sigs.k8s.io/yaml reads it, with its error text. */
function readDocument(doc: string): unknown {
  try {
    return unmarshalGoYaml(doc);
  } catch (e) {
    throw new Error(`error converting YAML to JSON: ${(e as Error).message}`);
  }
}

/** SimpleHead of a read document. */
function headOf(v: unknown): ManifestHead {
  const typeErr = (what: unknown, field: string, type: string) =>
    new Error(
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(what)} into Go struct field ${field} of type ${type}`,
    );
  const head: ManifestHead = { apiVersion: '', kind: '', name: '', annotations: null };
  if (v === null || v === undefined) return head;
  if (!isPlainObject(v)) {
    throw new Error(
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(v)} into Go value of type util.SimpleHead`,
    );
  }
  const str = (raw: unknown, field: string) => {
    const x = scalarForStringField(raw);
    if (x === null || x === undefined) return '';
    if (typeof x !== 'string') throw typeErr(x, field, 'string');
    return x;
  };
  head.apiVersion = str(v.apiVersion, 'SimpleHead.apiVersion');
  head.kind = str(v.kind, 'SimpleHead.kind');
  const md = v.metadata;
  if (md !== null && md !== undefined) {
    if (!isPlainObject(md))
      throw typeErr(
        md,
        'SimpleHead.metadata',
        'struct { Name string "json:\\"name\\""; Annotations map[string]string "json:\\"annotations\\"" }',
      );
    head.name = str(md.name, '.metadata.name');
    const ann = md.annotations;
    if (ann !== null && ann !== undefined) {
      if (!isPlainObject(ann)) throw typeErr(ann, '.metadata.annotations', 'map[string]string');
      head.annotations = {};
      for (const [k, a] of Object.entries(ann)) head.annotations[k] = str(a, '.metadata.annotations');
    }
  }
  return head;
}

/** SortManifests with InstallOrder; throws ManifestParseError (`YAML parse error on FILE: ...`). */
export function sortManifests(files: ReadonlyMap<string, string>): { hooks: Hook[]; manifests: Manifest[] } {
  const hooks: Hook[] = [];
  const manifests: Manifest[] = [];
  for (const path of [...files.keys()].sort()) {
    const content = files.get(path)!;
    if (path.slice(path.lastIndexOf('/') + 1).startsWith('_')) continue;
    if (content.trim() === '') continue;
    for (const doc of splitManifests(content)) {
      let head: ManifestHead;
      let value: unknown;
      try {
        value = readDocument(doc);
        head = headOf(value);
      } catch (e) {
        throw new ManifestParseError(`YAML parse error on ${path}: ${(e as Error).message}`);
      }
      const hookTypes =
        head.annotations && Object.hasOwn(head.annotations, 'helm.sh/hook')
          ? head.annotations['helm.sh/hook']
          : undefined;
      if (
        hookTypes === undefined ||
        head.annotations === null ||
        Object.keys(head.annotations).length === 0
      ) {
        manifests.push({ name: path, content: doc, head, value });
        continue;
      }
      const events = hookTypes.split(',').map((t) => t.trim().toLowerCase());
      if (events.some((e) => !HOOK_EVENTS.has(e))) continue; // unknown hooks are skipped
      const w = head.annotations['helm.sh/hook-weight'];
      const weight = w !== undefined && /^[+-]?\d+$/.test(w) ? Number.parseInt(w, 10) : 0;
      hooks.push({
        name: path,
        content: doc,
        head,
        value,
        events: events.map((e) => (e === 'test-success' ? 'test' : e)),
        weight,
      });
    }
  }
  const byKind = (a: Manifest, b: Manifest) => compareInstallOrder(a.head.kind, b.head.kind);
  return { hooks: hooks.sort(byKind), manifests: manifests.sort(byKind) };
}

export interface OutputOptions {
  crds: { filename: string; text: string }[];
  includeCrds: boolean;
  noHooks: boolean;
  skipTests: boolean;
  showOnly: readonly string[];
  /** Filter this text with showOnly instead of writing the sorted manifests (helm --debug). */
  raw?: string;
}

/** The text `helm template` prints; throws with Helm's text when --show-only finds nothing. */
export function templateOutput(sorted: { hooks: Hook[]; manifests: Manifest[] }, o: OutputOptions): string {
  if (o.raw !== undefined) return o.showOnly.length === 0 ? o.raw : showOnly(o.raw, o.showOnly);
  let manifestDoc = '';
  if (o.includeCrds) for (const crd of o.crds) manifestDoc += `---\n# Source: ${crd.filename}\n${crd.text}\n`;
  for (const m of sorted.manifests) manifestDoc += `---\n# Source: ${m.name}\n${m.content}\n`;
  let out = `${manifestDoc.trim()}\n`;
  if (!o.noHooks) {
    for (const h of sorted.hooks) {
      if (o.skipTests && h.events.includes('test')) continue;
      out += `---\n# Source: ${h.name}\n${h.content}\n`;
    }
  }
  if (o.showOnly.length === 0) return out;
  return showOnly(out, o.showOnly);
}

/** `--show-only`: the documents whose `# Source:` matches each pattern, in pattern order. */
function showOnly(out: string, patterns: readonly string[]): string {
  const docs = splitManifests(out);
  let shown = '';
  for (const pattern of patterns) {
    let missing = true;
    for (const doc of docs) {
      const m = /# Source: [^/]+\/(.+)/.exec(doc);
      if (!m) continue;
      if (!filepathMatch(pattern.replaceAll('\\', '/'), m[1]!)) continue;
      shown += `---\n${doc}\n`;
      missing = false;
    }
    if (missing) throw new ShowOnlyError(`could not find template ${pattern} in chart`);
  }
  return shown;
}

export class ShowOnlyError extends Error {
  override name = 'ShowOnlyError';
}
