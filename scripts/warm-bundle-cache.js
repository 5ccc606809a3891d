// Runs each bundled CLI (see scripts/bundle.js) once per common command in this process, then
// stores V8's code cache for it. Functions a warm-up never calls are compiled lazily on each cold
// run, so the warm-up covers the main paths of each command, scan included.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCodeCacheAsync } from '../dist/util/load-generated.js';

const bundle = (name) => fileURLToPath(new URL(`../dist/bundle/${name}`, import.meta.url));
const example = fileURLToPath(new URL('../examples/simulated-cluster.yaml', import.meta.url));
const policies = fileURLToPath(new URL('../policies', import.meta.url));

// A scan that passes, fails and errors, with context, foreach, bindings, messages and functions.
const dir = mkdtempSync(join(tmpdir(), 'clustermint-warm-'));
const pods = Array.from({ length: 20 }, (_, i) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `p${i}`, labels: { team: i % 2 ? 'a' : 'b' } },
  spec: { containers: [{ name: 'c', image: i % 3 ? `nginx:1.${i}` : 'nginx:latest', ports: [i] }] },
}));
writeFileSync(join(dir, 'payload.json'), JSON.stringify(pods));
writeFileSync(join(dir, 'payload.yaml'), pods.map((p) => JSON.stringify(p)).join('\n---\n'));
writeFileSync(join(dir, 'bindings.yaml'), 'team: team-a\n');
writeFileSync(
  join(dir, 'policy.yaml'),
  `apiVersion: json.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata:
  name: warm-up
spec:
  rules:
  - name: no-latest
    context:
    - name: tag
      variable: ':latest'
    match:
      any:
      - apiVersion: v1
        kind: Pod
    exclude:
      all:
      - metadata:
          name: nobody
    identifier: metadata.name
    assert:
      all:
      - message: 'image of {{ metadata.name }} must not be latest'
        check:
          spec:
            ~.containers->c:
              image:
                (contains(@, ':')): true
                (ends_with(@, $tag)): false
              (length(ports[?@ > \`3\`]) < \`10\`): true
      - check:
          ~.(spec.containers[*].image)->images:
            (starts_with(@, 'nginx')): true
  - name: errors
    assert:
      any:
      - check:
          ~.(Stages[].Image):
            name: x
      - check:
          metadata:
            labels:
              team: c
            missing: 1
`,
);
const sink = { out() {}, err() {} };
const scans = async (mod) => {
  for (const payload of ['payload.json', 'payload.yaml']) {
    for (const output of [[], ['--output', 'json']]) {
      await mod.cli(
        [
          'scan',
          '--payload',
          join(dir, payload),
          '--policy',
          `${join(dir, 'policy.yaml')},${policies}`,
          '--bindings',
          join(dir, 'bindings.yaml'),
          ...output,
        ],
        sink,
      );
    }
  }
};
try {
  await writeCodeCacheAsync(bundle('cli.cjs'), async (mod) => {
    await mod.cli(['template', 'simulated-standalone-cp'], sink);
    await mod.cli(['render', '-f', example], sink);
    await scans(mod);
  });
  await writeCodeCacheAsync(bundle('scan.cjs'), scans);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
