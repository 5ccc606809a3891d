// Sources that stop an evaluation without breaking a work budget: every expression stays under
// its limit, but there are enough of them to take seconds (and, under a small heap limit, more
// memory than the isolate has). For the isolate tests (isolates.test.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

/** A list of 3000 one-character strings, built by the expression (no input needed). */
const LIST =
  "split(replace_all(replace_all(replace_all('xxxxxxxxxx', 'x', 'xxxxxxxxxx'), 'x', 'xxxxxxxxxx'), 'x', 'xxx'), '')";
/** About 6 M of the 10 M JMESPath cost units, a quarter of a second, 70 MB of arrays. */
const HEAVY = `(length([${LIST}[].[${LIST}][], ${LIST}[].[${LIST}][]])): 2`;

/**
 * A ValidatingPolicy of 20 heavy assertions (seconds in all) on ClusterDeployments; with
 * `label`, only those labelled `hostile: <label>`.
 */
export function hostilePolicy(name: string, label?: string): string {
  const match = label
    ? `      - kind: ClusterDeployment\n        metadata:\n          labels:\n            hostile: ${label}\n`
    : '      - kind: ClusterDeployment\n';
  const checks = Array.from(
    { length: 20 },
    (_, i) => `      - message: heavy ${i}\n        check:\n          ${HEAVY}\n`,
  ).join('');
  return `apiVersion: json.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata:
  name: ${name}
spec:
  rules:
  - name: heavy
    match:
      all:
${match}    assert:
      all:
${checks}`;
}

const VARIABLES = 30;
const ITEMS = 30;
const ITEMS_VALUE = Array.from({ length: ITEMS }, (_, i) => `v${i}`);

/**
 * The built-in ClusterClass simulated-k0s renamed, with 30 list variables of 20 CEL rules each
 * (three nested `all` over the list: each rule under the per-call cost limit, seconds in all);
 * `withDefaults`: each variable defaults to such a list, so that any Cluster on the class (the
 * warm-up's too) pays for them.
 */
export function hostileClusterClass(name: string, withDefaults = false): string {
  const rules = Array.from(
    { length: 20 },
    (_, i) =>
      `            - rule: "self.all(x, self.all(y, self.all(z, x != y || y != z || x == z || size(x) == ${i})))"\n              message: heavy ${i}\n`,
  ).join('');
  const variables = Array.from(
    { length: VARIABLES },
    (_, v) =>
      `    - name: heavy${v}\n      required: false\n      schema:\n        openAPIV3Schema:\n          type: array\n          maxItems: 40\n          items: { type: string, maxLength: 8 }\n${withDefaults ? `          default: ${JSON.stringify(ITEMS_VALUE)}\n` : ''}          x-kubernetes-validations:\n${rules}`,
  ).join('');
  const base = readFileSync(join(ROOT, 'templates/clusterclasses/simulated-k0s.yaml'), 'utf8');
  return base
    .replace('  name: simulated-k0s\n', `  name: ${name}\n`)
    .replace('  variables:\n', `  variables:\n${variables}`);
}

/** examples/topology/cluster.yaml on that class, every heavy variable set. */
export function clusterOn(className: string, cluster: Record<string, any>): Record<string, any> {
  const copy = structuredClone(cluster);
  copy.spec.topology.classRef = { name: className };
  for (let v = 0; v < VARIABLES; v++)
    copy.spec.topology.variables.push({ name: `heavy${v}`, value: ITEMS_VALUE });
  return copy;
}
