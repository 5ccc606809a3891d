/** `clustermint template` on a Helm chart folder: helm's words first, then where the values came from. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

describe('template on a Helm chart', () => {
  const chart = tmpTree({
    'Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 0.1.0\n',
    'values.schema.json': JSON.stringify({
      type: 'object',
      properties: { replicas: { type: 'integer', minimum: 1 } },
      additionalProperties: false,
    }),
    'values.yaml': 'replicas: 1\n',
    'templates/cm.yaml':
      'kind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  r: "{{ .Values.replicas }}"\n',
  });

  it('a values file the schema refuses: helm’s message, then the file, line and column', async () => {
    const values = join(tmpTree({ 'bad.yaml': 'replicas: 0\nzone: a\n' }), 'bad.yaml');
    const r = await run('template', 'dev', chart, '-f', values);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      "Error: values don't meet the specifications of the schema(s) in the following chart(s):\ndemo:\n",
    );
    expect(r.stderr).toContain("- at '/replicas': minimum: got 0, want 1");
    expect(r.stderr).toMatch(new RegExp(`${values.replaceAll('/', '\\/')}:1:11 \\(\\$\\.replicas\\)`));
    expect(r.stderr).toMatch(/bad\.yaml:2:1 \(\$\.zone\): is not allowed here/);
  });

  it('renders what helm renders for good values', async () => {
    const r = await run('template', 'dev', chart, '--set', 'replicas=3');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      '---\n# Source: demo/templates/cm.yaml\nkind: ConfigMap\nmetadata:\n  name: dev\ndata:\n  r: "3"\n',
    );
  });
});
