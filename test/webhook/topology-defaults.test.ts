// The mutating webhook's topology defaults read a ClusterClass the way validation does: one that
// does not decode into Cluster API's types (an enum that is not a list, a map among names) adds
// no defaults and throws nothing; validation reports it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import type { PlainObject } from '../../src/util/plain-object.js';
import { topologyDefaults } from '../../src/webhook/defaults.js';

const ROOT = join(import.meta.dirname, '..', '..');
const docs = (file: string) =>
  jsyaml.loadAll(readFileSync(join(ROOT, file), 'utf8')).filter(Boolean) as PlainObject[];
const cluster = docs('examples/topology/cluster.yaml').find((d) => d.kind === 'Cluster')!;
const classDocs = docs('templates/clusterclasses/simulated-k0s.yaml');

/** The simulated-k0s class and its templates, the class with one more variable of this schema. */
function withVariable(schema: PlainObject): PlainObject[] {
  return classDocs.map((d) => {
    if (d.kind !== 'ClusterClass') return d;
    const spec = d.spec as PlainObject;
    return {
      ...d,
      spec: {
        ...spec,
        variables: [
          ...(spec.variables as PlainObject[]),
          { name: 'tier', required: false, schema: { openAPIV3Schema: schema } },
        ],
      },
    };
  });
}

describe('topologyDefaults', () => {
  it('adds a variable default of the class', () => {
    const ops = topologyDefaults(cluster, withVariable({ type: 'string', default: 'gold', enum: ['gold'] }));
    expect(ops).toContainEqual(
      expect.objectContaining({ op: 'add', value: expect.objectContaining({ name: 'tier', value: 'gold' }) }),
    );
  });

  it('adds nothing, and throws nothing, for a class whose enum is not a list', () => {
    expect(topologyDefaults(cluster, withVariable({ type: 'string', default: 'gold', enum: 'x' }))).toEqual(
      [],
    );
  });
});
