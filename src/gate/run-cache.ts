/**
 * Whole chart runs by chart and content of their input (the user's values, the release, the
 * Kubernetes version): rendering is pure (no clock, no randomness, no reads), so the same input
 * gives the same documents and findings. A submission judged again (the webhook on an update
 * that did not touch the spec, a re-run `check`) skips values, render, parse and validation.
 * Only clean runs are kept: a run with violations is recomputed, so its findings are located in
 * the sources of that call. Documents are frozen; each hit gets its own arrays and warnings.
 */
import type { Chart } from '../api/chart.js';
import type { Release } from '../render/chart/render.js';
import { BoundedCache } from '../util/bounded-cache.js';
import type { ChartRunResult } from './chart-run.js';

const MAX_RUNS = 256;
const byChart = new WeakMap<Chart, BoundedCache<string, ChartRunResult>>();

/** The key of a run: the values' content key (values-cache.ts valuesKey), release and version. */
export function runKey(valuesKey: string, release: Release, kubeVersion: string | undefined): string {
  return `${release.name}\0${release.namespace}\0${kubeVersion ?? ''}\0${valuesKey}`;
}

export function cachedRun(chart: Chart, key: string): ChartRunResult | undefined {
  const hit = byChart.get(chart)?.get(key);
  if (!hit) return undefined;
  return {
    values: hit.values,
    documents: [...hit.documents],
    violations: [],
    warnings: structuredClone(hit.warnings),
  };
}

/** Keeps a clean run (no violations; warnings are kept with it). */
export function rememberRun(chart: Chart, key: string, result: ChartRunResult): void {
  if (result.violations.length > 0) return;
  let runs = byChart.get(chart);
  if (!runs) {
    runs = new BoundedCache(MAX_RUNS);
    byChart.set(chart, runs);
  }
  runs.set(
    key,
    Object.freeze({
      values: result.values,
      documents: Object.freeze([...result.documents]) as ChartRunResult['documents'],
      violations: [],
      warnings: structuredClone(result.warnings),
    }),
  );
}
