/**
 * Where templates come from: the built-in charts in templates/, then every `--templates DIR`
 * (a chart folder, or a folder of chart folders; later ones win). A template is found by chart
 * name or by k0rdent's ClusterTemplate name (`aws-standalone-cp-1-0-43`).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Chart, templateObjectName } from '../api/chart.js';
import { ClustermintError } from '../util/errors.js';
import { PACKAGE_ROOT } from '../util/paths.js';
import { readTextFile } from '../util/read-text-file.js';
import { closest } from '../util/suggest.js';
import { parseYamlSource } from '../util/yaml-source.js';
import { isChartDir, loadChart } from './load-chart.js';

export const BUILTIN_TEMPLATES_DIR = `${PACKAGE_ROOT}templates/`;

interface Entry {
  dir: string;
  name: string;
  version: string;
}

export class TemplateCatalog {
  private entries: Entry[] | undefined;
  private readonly loaded = new Map<string, Chart>();

  /** `dirs` are searched after the built-ins; a later chart of the same name wins. */
  constructor(
    private readonly dirs: readonly string[] = [],
    private readonly builtins = true,
  ) {
    for (const d of dirs) {
      if (!existsSync(d)) throw new ClustermintError('UNREADABLE', 'templates folder not found', { file: d });
    }
  }

  /** A chart folder path, a chart name, or a ClusterTemplate name. */
  resolve(ref: string): Chart {
    if ((ref.includes('/') || ref.startsWith('.')) && existsSync(ref)) {
      if (!isChartDir(ref))
        throw new ClustermintError('INVALID_CHART', 'not a chart folder: Chart.yaml not found', {
          file: ref,
        });
      return this.load(resolve(ref));
    }
    // Fast path for a built-in asked for by name: no scan; once loaded, no look at the disk
    // either (its chart is served from memory from then on, as load() serves it).
    if (this.dirs.length === 0 && this.builtins && /^[a-z0-9-]+$/.test(ref)) {
      const dir = join(BUILTIN_TEMPLATES_DIR, ref);
      const known = this.loaded.get(dir);
      if (known) return known;
      if (isChartDir(dir)) return this.load(dir);
    }
    const entries = this.list();
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i];
      if (e.name === ref || templateObjectName(e) === ref) return this.load(e.dir);
    }
    const names = [...new Set(entries.flatMap((e) => [e.name, templateObjectName(e)]))];
    const hint = closest(ref, names);
    throw new ClustermintError(
      'UNKNOWN_TEMPLATE',
      `unknown template ${JSON.stringify(ref)}${hint ? `; did you mean ${JSON.stringify(hint)}?` : ''}`,
      undefined,
      [`available: ${[...new Set(entries.map((e) => e.name))].sort().join(', ') || '(none)'}`],
    );
  }

  /** Every chart known, built-ins first. */
  list(): Entry[] {
    if (!this.entries) {
      const roots = [...(this.builtins ? [BUILTIN_TEMPLATES_DIR] : []), ...this.dirs];
      this.entries = roots
        .flatMap((root) => (isChartDir(root) ? [root] : subdirs(root).filter(isChartDir)))
        .map(readEntry);
    }
    return this.entries;
  }

  private load(dir: string): Chart {
    let chart = this.loaded.get(dir);
    if (!chart) {
      chart = loadChart(dir);
      this.loaded.set(dir, chart);
    }
    return chart;
  }
}

function subdirs(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, d.name))
    .sort();
}

function readEntry(dir: string): Entry {
  const file = join(dir, 'Chart.yaml');
  const [doc] = parseYamlSource(readTextFile(file), file);
  const v = (doc?.value ?? {}) as { name?: unknown; version?: unknown };
  return { dir, name: String(v.name ?? ''), version: String(v.version ?? '') };
}
