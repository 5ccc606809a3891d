/** Printing objects and findings: YAML/JSON for data, one line per finding for people (escaped). */
import jsyaml from 'js-yaml';
import { formatLocation } from '../util/errors.js';
import { printable } from '../util/printable.js';
import type { Violation } from '../validate/violation.js';

export type OutputFormat = 'yaml' | 'json';

export interface SourcedObject {
  object: object;
  /** e.g. `aws-standalone-cp/templates/cluster.yaml.hbs`, printed as a `# Source:` comment. */
  source?: string;
}

export function printObjects(objects: readonly SourcedObject[], format: OutputFormat): string {
  if (format === 'json') {
    return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects.map((o) => o.object) }, null, 2)}\n`;
  }
  return objects
    .map(
      (o) =>
        `---\n${o.source ? `# Source: ${o.source}\n` : ''}${jsyaml.dump(o.object, { lineWidth: -1, noRefs: true, noArrayIndent: true, quotingType: '"' })}`,
    )
    .join('');
}

export function formatViolation(v: Violation): string {
  const where = formatLocation(v.location);
  const subject = v.object
    ? `${v.object.kind}/${v.object.name}${v.path ? ` ${v.path}` : ''}`
    : v.location?.path
      ? ''
      : (v.path ?? '');
  const head = [v.severity, where, subject].filter(Boolean).join(': ');
  const lines = [`${head}: ${v.message}`];
  for (const d of v.details ?? []) lines.push(`    ${d}`);
  // messages and paths carry input (policy messages interpolate values, keys are the user's)
  return printable(lines.join('\n'));
}

export function printViolations(vs: readonly Violation[]): string {
  return vs.map((v) => `${formatViolation(v)}\n`).join('');
}
