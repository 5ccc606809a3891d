/**
 * The built-in handlebars charts are ports of k0rdent's charts of the same name and version:
 * with the same values (each built-in's ci/example-values.yaml) they emit the same objects as
 * k0rdent's Go-template chart rendered as helm renders it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChart } from '../../../src/gate/chart-pipeline.js';
import { BUILTIN_TEMPLATES_DIR, TemplateCatalog } from '../../../src/resolve/catalog.js';
import { loadChart } from '../../../src/resolve/load-chart.js';
import { parseYamlSource } from '../../../src/util/yaml-source.js';
import { SHARED, sharedAvailable } from '../../helpers/shared.js';

const K0RDENT = join(SHARED, 'conformance', 'helm', 'k0rdent', 'charts');
const PORTED = ['aws-hosted-cp', 'aws-standalone-cp', 'docker-hosted-cp', 'openstack-standalone-cp'];
const ready = sharedAvailable('the built-in vs k0rdent chart comparison');

/** JSON with sorted keys: the same object whatever order its keys came in. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .map((k) => [k, (x as Record<string, unknown>)[k]]),
        )
      : x,
  );

describe.skipIf(!ready)('built-in charts against the k0rdent charts they port', () => {
  const catalog = new TemplateCatalog();
  it.each(PORTED)('%s emits the same objects as k0rdent’s chart', (name) => {
    const k0rdentDir = join(K0RDENT, name);
    expect(existsSync(k0rdentDir)).toBe(true);
    const builtin = catalog.resolve(name);
    const k0rdent = loadChart(k0rdentDir);
    expect(k0rdent.helm).toBeDefined();
    expect(builtin.metadata.version).toBe(k0rdent.metadata.version);
    const file = join(BUILTIN_TEMPLATES_DIR, name, 'ci', 'example-values.yaml');
    const [doc] = parseYamlSource(readFileSync(file, 'utf8'), file);
    const sources = [{ label: file, value: doc!.value as Record<string, unknown>, doc }];
    const release = { name: 'dev-1', namespace: 'team-a' };
    const a = runChart({ chart: builtin, sources, release });
    const b = runChart({ chart: k0rdent, sources, release });
    expect(a.violations).toEqual([]);
    expect(b.violations).toEqual([]);
    const objects = (r: typeof a) => r.documents.map((d) => canonical(d.object)).sort();
    expect(objects(a)).toEqual(objects(b));
    expect(a.documents.length).toBeGreaterThan(3);
  });
});
