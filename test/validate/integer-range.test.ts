/**
 * Integers against the range of the field they land in (issue 17, class 6): the kinds' schemas
 * carry the upstream int32 / int64 formats, so a count the API server would refuse is refused
 * here, at the rendered field, with a located message.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateObject } from '../../src/validate/objects.js';
import { run } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

const md = (apiVersion: string, replicas: number) => ({
  apiVersion,
  kind: 'MachineDeployment',
  metadata: { name: 'md', namespace: 'default' },
  spec: {
    clusterName: 'c',
    replicas,
    selector: { matchLabels: {} },
    template: {
      spec: {
        clusterName: 'c',
        bootstrap: { dataSecretName: 's' },
        infrastructureRef:
          apiVersion === 'cluster.x-k8s.io/v1beta1'
            ? { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'DevMachineTemplate', name: 'x' }
            : { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'DevMachineTemplate', name: 'x' },
      },
    },
  },
});

const errorsAt = (o: Record<string, unknown>, path: string) =>
  validateObject(o).filter((v) => v.severity === 'error' && v.path === path);

describe('integer ranges of rendered fields', () => {
  it.each(['cluster.x-k8s.io/v1beta1', 'cluster.x-k8s.io/v1beta2'])(
    'MachineDeployment %s spec.replicas is an int32',
    (apiVersion) => {
      expect(errorsAt(md(apiVersion, 2 ** 31 - 1), '$.spec.replicas')).toEqual([]);
      const [e] = errorsAt(md(apiVersion, 2 ** 31), '$.spec.replicas');
      expect(e?.message).toMatch(/int32/);
      expect(errorsAt(md(apiVersion, -(2 ** 31) - 1), '$.spec.replicas')).toHaveLength(1);
    },
  );

  it("a topology Cluster's replicas are int32s", () => {
    const cluster = {
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'Cluster',
      metadata: { name: 'c', namespace: 'default' },
      spec: {
        topology: {
          class: 'k',
          version: 'v1.33.0',
          controlPlane: { replicas: 3_000_000_000 },
          workers: { machineDeployments: [{ name: 'md-0', class: 'w', replicas: 3_000_000_000 }] },
        },
      },
    };
    const paths = validateObject(cluster)
      .filter((v) => v.severity === 'error')
      .map((v) => v.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '$.spec.topology.controlPlane.replicas',
        '$.spec.topology.workers.machineDeployments[0].replicas',
      ]),
    );
  });

  it("check refuses workersNumber: 3000000000 at MachineDeployment spec.replicas (and the control plane's)", async () => {
    const dir = tmpTree({});
    const file = join(dir, 'cd.yaml');
    writeFileSync(
      file,
      `apiVersion: clustermint.io/v1alpha1
kind: ClusterDeployment
metadata: {name: wide, namespace: team-a}
spec:
  template: simulated-standalone-cp
  config: {controlPlaneNumber: 3000000000, workersNumber: 3000000000}
`,
    );
    // a ceiling above the count: the field's range is what refuses it
    const r = await run('check', '-f', file, '--max-machines', '9000000000', '-o', 'json');
    expect(r.code).toBe(1);
    const [verdict] = JSON.parse(r.stdout).verdicts ?? JSON.parse(r.stdout);
    const found = (
      verdict.violations as { object?: { kind: string }; path?: string; message: string }[]
    ).filter((v) => v.object?.kind === 'MachineDeployment' && v.path === '$.spec.replicas');
    expect(found, JSON.stringify(verdict.violations, null, 2)).toHaveLength(1);
    expect(found[0]!.message).toBe(
      'must be a whole number from -2147483648 to 2147483647 (int32), got 3000000000',
    );
    expect(
      verdict.violations.filter(
        (v: { object?: { kind: string }; path?: string }) =>
          v.object?.kind === 'K0sControlPlane' && v.path === '$.spec.replicas',
      ),
    ).toHaveLength(1);
    const text = await run('check', '-f', file, '--max-machines', '9000000000');
    expect(text.stdout).toMatch(/MachineDeployment\/wide-md \$\.spec\.replicas: must be a whole number/);
  });
});
