/** What the chart half of the gate takes and gives, for both chart languages. */
import type { Chart } from '../api/chart.js';
import type { ParsedDocument } from '../render/chart/parse-output.js';
import type { Release } from '../render/chart/render.js';
import type { PathSegment } from '../util/json-path.js';
import type { PlainObject } from '../util/plain-object.js';
import type { SourceDocument } from '../util/yaml-source.js';
import type { Violation } from '../validate/violation.js';

/** One origin of values: a -f file, a --set flag, or a submission's spec.config. */
export interface ValuesSource {
  /** File name, or a label such as `--set a=b`. */
  label: string;
  value: PlainObject;
  /** The parsed document, to map a values path back to a line. */
  doc?: SourceDocument;
  /** Where the values sit inside `doc`, e.g. ['spec', 'config'] for a ClusterDeployment. */
  prefix?: PathSegment[];
}

export interface ChartRunInput {
  chart: Chart;
  sources: ValuesSource[];
  release: Release;
  kubeVersion?: string;
}

export interface ChartRunResult {
  /** The effective values after defaults and overrides (undefined if they could not be built). */
  values?: PlainObject;
  documents: ParsedDocument[];
  violations: Violation[];
  warnings: Violation[];
}
