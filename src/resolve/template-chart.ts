/**
 * Loads the chart a ClusterTemplate's source decision names (template-source.ts): a catalog chart,
 * a local chart folder or .tgz, or a remote chart through loadChartSource. Charts are kept by
 * digest, in memory and (for anything downloaded) in the digest-keyed archive cache on disk, so a
 * deployment that renders with a template's chart never downloads it again.
 */
import { existsSync, statSync } from 'node:fs';
import type { Chart } from '../api/chart.js';
import { templateObjectName } from '../api/chart.js';
import { readChartArchive } from '../util/archive.js';
import { BoundedCache } from '../util/bounded-cache.js';
import { ClustermintError } from '../util/errors.js';
import type { TemplateCatalog } from './catalog.js';
import { readCachedArchive, sha256Of } from './chart-sources/cache.js';
import { type LoadedChart, loadChartSource } from './chart-sources/index.js';
import { chartFromHelmFiles, loadChart } from './load-chart.js';
import type { TemplateSource } from './template-source.js';

export interface TemplateChart {
  chart: Chart;
  /** `sha256:<hex>` of the archive, for a chart that came from one. */
  digest?: string;
  /** Where it came from (a folder, a URL, an OCI reference with digest). */
  origin: string;
}

export interface TemplateChartLoaderOptions {
  catalog: TemplateCatalog;
  /** The clustermint cache root (default `${CLUSTERMINT_CACHE:-~/.cache/clustermint}`). */
  cacheDir?: string;
  /** Charts kept in memory (default 256). */
  maxCharts?: number;
  /** The source loader (default loadChartSource). */
  loadSource?: typeof loadChartSource;
}

export class TemplateChartLoader {
  private readonly charts: BoundedCache<string, Chart>;
  private readonly loadSource: typeof loadChartSource;

  constructor(private readonly o: TemplateChartLoaderOptions) {
    this.charts = new BoundedCache(o.maxCharts ?? 256);
    this.loadSource = o.loadSource ?? loadChartSource;
  }

  get catalog(): TemplateCatalog {
    return this.o.catalog;
  }

  /** The chart of a resolvable decision. Throws ClustermintError (unreachable, not a chart, ...). */
  async load(source: Exclude<TemplateSource, { kind: 'unresolvable' }>): Promise<TemplateChart> {
    if (source.kind === 'catalog') return this.fromCatalog(source.chart, source.version);
    const ref = source.request.ref;
    if (!source.request.repo && !/^[a-z]+:\/\//.test(ref) && existsSync(ref) && statSync(ref).isDirectory()) {
      // a chart folder may be a handlebars chart: the catalog's loader reads both languages
      return { chart: loadChart(ref), origin: ref };
    }
    const loaded: LoadedChart = await this.loadSource({ ...source.request, cacheDir: this.o.cacheDir });
    const digest = loaded.digest;
    const cached = digest ? this.charts.get(digest) : undefined;
    if (cached) return { chart: cached, digest, origin: loaded.origin };
    const chart = chartFromHelmFiles(loaded.files, loaded.origin, digest);
    if (digest) this.charts.set(digest, chart);
    return { chart, ...(digest ? { digest } : {}), origin: loaded.origin };
  }

  /** A catalog chart: k0rdent's `<chart>-<x-y-z>` name for the version asked for, else the chart by name. */
  fromCatalog(chart: string, version?: string): TemplateChart {
    const catalog = this.o.catalog;
    if (version) {
      try {
        const c = catalog.resolve(templateObjectName({ name: chart, version }));
        return { chart: c, origin: c.dir };
      } catch (e) {
        if (!(e instanceof ClustermintError)) throw e;
      }
    }
    const c = catalog.resolve(chart);
    return { chart: c, origin: c.dir };
  }

  /** The chart with this archive digest, from memory or the disk cache; undefined when neither has it. */
  byDigest(digest: string, origin = `chart ${digest}`): Chart | undefined {
    const hit = this.charts.get(digest);
    if (hit) return hit;
    const hex = sha256Of(digest);
    if (!hex) return undefined;
    const bytes = readCachedArchive(hex, this.o.cacheDir);
    if (!bytes) return undefined;
    const chart = chartFromHelmFiles(readChartArchive(bytes, origin), origin, `sha256:${hex}`);
    this.charts.set(`sha256:${hex}`, chart);
    return chart;
  }
}
