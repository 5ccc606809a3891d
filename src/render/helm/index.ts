/**
 * # Helm charts in Go templates, rendered as `helm template` renders them
 *
 * ```ts
 * const r = helmTemplate(files, { releaseName: 'dev-1', namespace: 'kcm-system', values, readArchive });
 * r.output;    // byte for byte what `helm template dev-1 CHART -n kcm-system` prints
 * r.manifests; // the documents, sorted in Helm's install order, with their source files
 * ```
 *
 * The steps are Helm v4.3.2's `helm template` (client-only install): load the chart
 * (load.ts), refuse library charts and missing dependencies, check the release name, process
 * dependencies (dependencies.ts: conditions, tags, aliases, import-values), build
 * `.Capabilities` (capabilities.ts), coalesce values (coalesce.ts) and check them against every
 * values schema (schema.ts), check the chart's kubeVersion, render (engine.ts), drop NOTES.txt,
 * sort manifests and hooks (manifests.ts), write the output. Every failure is a HelmError whose
 * message is Helm's text (what helm prints after `Error: `).
 */
import { cloneTree, type PlainObject } from '../../util/plain-object.js';
import { type GoFuncMap, GoInt } from '../gotemplate/index.js';
import { DEFAULT_KUBE, makeCapabilities, parseKubeVersion } from './capabilities.js';
import { crdObjects, type HelmChart, type HelmFile } from './chart.js';
import { coalesceValues } from './coalesce.js';
import { checkDependencies, isCompatibleRange, processDependencies } from './dependencies.js';
import { renderTemplates } from './engine.js';
import { helmFunctions } from './functions.js';
import { loadHelmChart } from './load.js';
import { type Hook, type Manifest, sortManifests, templateOutput } from './manifests.js';
import { metadataAsMap } from './metadata.js';
import { validateAgainstSchemas } from './schema.js';

export type { HelmChart, HelmFile } from './chart.js';
export { loadHelmChart, loadValues } from './load.js';
export type { Hook, Manifest } from './manifests.js';

/** A failure of `helm template`, worded as Helm words it. */
export class HelmError extends Error {
  override name = 'HelmError';
  constructor(
    message: string,
    /** The step that failed (for callers that map it to an exit code or a condition). */
    readonly stage: 'load' | 'values' | 'render',
    /** What helm's release manifest holds at the failure (with --debug it prints it). */
    readonly manifest = '',
  ) {
    super(message);
  }
}

export interface HelmTemplateOptions {
  releaseName: string;
  namespace: string;
  /** The user's values (-f files, --set ...), already merged in Helm's order. */
  values: PlainObject;
  readArchive(data: Uint8Array, label: string): HelmFile[];
  kubeVersion?: string;
  apiVersions?: readonly string[];
  includeCrds?: boolean;
  skipTests?: boolean;
  noHooks?: boolean;
  showOnly?: readonly string[];
  isUpgrade?: boolean;
  skipSchemaValidation?: boolean;
  /** Helm's function map (default: helmFunctions()). */
  funcs?: GoFuncMap;
  /** helm's --debug: render errors lose the "Use --debug" hint. */
  debug?: boolean;
  /** Warnings Helm logs (coalescing conflicts, deprecated charts). */
  warn?: (message: string) => void;
}

export interface HelmTemplateResult {
  chart: HelmChart;
  /** What `helm template` prints on stdout. */
  output: string;
  manifests: Manifest[];
  hooks: Hook[];
  /** The coalesced values the templates saw as `.Values`. */
  values: PlainObject;
}

/** Helm's function map, built once (the engine adds its own functions per render). */
let defaultFuncs: GoFuncMap | undefined;

const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DEBUG_HINT = '\n\nUse --debug flag to render out invalid YAML';

function fail(stage: HelmError['stage'], e: unknown, suffix = '', manifest = ''): never {
  if (e instanceof HelmError) throw e;
  throw new HelmError(`${e instanceof Error ? e.message : String(e)}${suffix}`, stage, manifest);
}

/**
 * Charts loaded from a files array, kept while the array lives: a chart served many times (the
 * gate, the controller, a fleet check) is parsed once. Each caller gets its own copy, since
 * dependency processing changes the chart.
 */
const loadedCharts = new WeakMap<readonly HelmFile[], HelmChart>();

function copyChart(c: HelmChart, parent?: HelmChart): HelmChart {
  const out: HelmChart = {
    ...c,
    parent,
    metadata: {
      ...c.metadata,
      annotations: c.metadata.annotations ? { ...c.metadata.annotations } : null,
      dependencies: c.metadata.dependencies.map((d) => ({
        ...d,
        tags: [...d.tags],
        importValues: [...d.importValues],
      })),
      maintainers: c.metadata.maintainers.map((m) => ({ ...m })),
      sources: [...c.metadata.sources],
      keywords: [...c.metadata.keywords],
    },
    values: cloneTree(c.values),
    dependencies: [],
  };
  out.dependencies = c.dependencies.map((d) => copyChart(d, out));
  return out;
}

/** Loads a chart from its files, as Helm's loader; throws HelmError. */
export function loadChart(
  files: readonly HelmFile[],
  readArchive: HelmTemplateOptions['readArchive'],
): HelmChart {
  let chart = loadedCharts.get(files);
  if (!chart) {
    try {
      chart = loadHelmChart(files, { readArchive });
    } catch (e) {
      fail('load', e);
    }
    loadedCharts.set(files, chart);
  }
  return copyChart(chart);
}

/** A chart loaded, its dependencies processed and its values coalesced: ready to render. */
export interface PreparedRelease {
  chart: HelmChart;
  values: PlainObject;
  top: PlainObject;
  kube: ReturnType<typeof parseKubeVersion>;
}

/**
 * Everything `helm template` does before rendering: load, installable and dependency checks,
 * the release name, dependencies, capabilities, coalesced values and (unless skipped) the
 * values schemas. Throws HelmError.
 */
export function prepareRelease(files: readonly HelmFile[], options: HelmTemplateOptions): PreparedRelease {
  const warn = options.warn ?? (() => {});
  let kubeVersion: ReturnType<typeof parseKubeVersion> | undefined;
  if (options.kubeVersion !== undefined && options.kubeVersion !== '') {
    try {
      kubeVersion = parseKubeVersion(options.kubeVersion);
    } catch (e) {
      fail('load', e);
    }
  }
  const chart = loadChart(files, options.readArchive);
  const type = chart.metadata.type;
  if (type !== '' && type !== 'application')
    throw new HelmError(`${type} charts are not installable`, 'load');
  if (chart.metadata.deprecated) warn('this chart is deprecated');
  if (chart.metadata.dependencies.length > 0) {
    try {
      checkDependencies(chart);
    } catch (e) {
      fail('load', e);
    }
  }
  const name = options.releaseName;
  if (name === '' || name.length > 53 || !RELEASE_NAME.test(name)) {
    const why =
      name === ''
        ? 'no name provided'
        : `invalid release name, must match regex ${RELEASE_NAME.source} and the length must not be longer than 53`;
    throw new HelmError(`release name check failed: release name "${name}": ${why}`, 'load');
  }
  try {
    processDependencies(chart, options.values, warn);
  } catch (e) {
    fail('load', new Error(`chart dependencies processing failed: ${(e as Error).message}`));
  }
  const capabilities = makeCapabilities({ kubeVersion, apiVersions: options.apiVersions });
  const isUpgrade = options.isUpgrade === true;
  const release = {
    Name: name,
    Namespace: options.namespace,
    IsUpgrade: isUpgrade,
    IsInstall: !isUpgrade,
    Revision: new GoInt('int', 1n),
    Service: 'Helm',
  };
  let values: PlainObject;
  try {
    values = coalesceValues(chart, options.values, warn);
  } catch (e) {
    fail('values', e);
  }
  if (!options.skipSchemaValidation) checkSchemas(chart, values);
  const top: PlainObject = Object.assign(Object.create(null), {
    Chart: metadataAsMap(chart),
    Capabilities: capabilities,
    Release: release,
    Values: values,
  });
  return { chart, values, top, kube: kubeVersion ?? DEFAULT_KUBE };
}

/** The values schemas of the chart and its subcharts (`subchartsOnly`: the chart's own is checked elsewhere). */
export function checkSchemas(chart: HelmChart, values: PlainObject, subchartsOnly = false): void {
  const problems = validateAgainstSchemas(chart, values, subchartsOnly);
  if (problems !== '') {
    throw new HelmError(
      `values don't meet the specifications of the schema(s) in the following chart(s):\n${problems}`,
      'values',
    );
  }
}

/** Renders a prepared release: the kubeVersion check, the templates, manifests and output. */
export function renderRelease(prepared: PreparedRelease, options: HelmTemplateOptions): HelmTemplateResult {
  const { chart, values, top, kube } = prepared;
  const hint = options.debug ? '' : DEBUG_HINT;
  // Helm has created the release by now: its errors carry the --debug hint.
  if (chart.metadata.kubeVersion !== '' && !isCompatibleRange(chart.metadata.kubeVersion, kube.normalized)) {
    throw new HelmError(
      `chart requires kubeVersion: ${chart.metadata.kubeVersion} which is incompatible with Kubernetes ${kube.version}${hint}`,
      'render',
    );
  }
  let rendered: Map<string, string>;
  try {
    if (!options.funcs && !defaultFuncs) defaultFuncs = helmFunctions();
    rendered = renderTemplates(chart, top, { funcs: options.funcs ?? defaultFuncs! });
  } catch (e) {
    fail('render', e, hint);
  }
  for (const k of [...rendered.keys()]) if (k.endsWith('NOTES.txt')) rendered.delete(k);
  let sorted: ReturnType<typeof sortManifests>;
  try {
    sorted = sortManifests(rendered);
  } catch (e) {
    // helm keeps every rendered file in the release, to show with --debug
    const dump = [...rendered]
      .filter(([, text]) => text.trim() !== '')
      .map(([name, text]) => `---\n# Source: ${name}\n${text}\n`)
      .join('');
    fail('render', e, hint, dump);
  }
  const decoder = new TextDecoder();
  let output: string;
  try {
    output = templateOutput(sorted, {
      crds: crdObjects(chart).map((c) => ({ filename: c.filename, text: decoder.decode(c.data) })),
      includeCrds: options.includeCrds === true,
      noHooks: options.noHooks === true,
      skipTests: options.skipTests === true,
      showOnly: options.showOnly ?? [],
    });
  } catch (e) {
    fail('render', e);
  }
  return { chart, output, manifests: sorted.manifests, hooks: sorted.hooks, values };
}

/** `helm template`: prepareRelease then renderRelease. Throws HelmError with Helm's text. */
export function helmTemplate(files: readonly HelmFile[], options: HelmTemplateOptions): HelmTemplateResult {
  return renderRelease(prepareRelease(files, options), options);
}
