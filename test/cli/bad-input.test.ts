import { closeSync, ftruncateSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { tmpChart, tmpTree } from '../helpers/tmp.js';

/** Bad input gets one clear message with a place, the right exit code, and never a stack trace. */
function expectClean(r: { code: number; stderr: string; stdout: string }, code: number, message: RegExp) {
  expect(r.code).toBe(code);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack frames
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.stdout).toBe(''); // nothing half-written
}

const chart = tmpChart('kind: X\napiVersion: v1\nmetadata:\n  name: {{Values.name}}\n', {
  'values.schema.json': JSON.stringify({
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    required: ['name', 'region'],
    properties: { name: { type: 'string' }, region: { type: 'string' }, size: { type: 'integer' } },
  }),
});

describe('bad input', () => {
  it('malformed YAML names file, line and column', async () => {
    const dir = tmpTree({ 'v.yaml': 'region: eu\nsize: [1, 2\nother: 3\n' });
    const r = await run('template', chart, '-f', join(dir, 'v.yaml'));
    expectClean(r, 1, new RegExp(`${join(dir, 'v.yaml')}:\\d+:\\d+: invalid YAML`));
  });

  it('duplicate keys in a values file', async () => {
    const dir = tmpTree({ 'v.yaml': 'region: eu\nregion: us\n' });
    const r = await run('template', chart, '-f', join(dir, 'v.yaml'));
    expectClean(r, 1, /v\.yaml:2:1: invalid YAML: Map keys must be unique/);
  });

  it('a YAML alias bomb (billion laughs) is refused', async () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const p = String.fromCharCode(96 + i);
      const n = String.fromCharCode(97 + i);
      lines.push(`${n}: &${n} [*${p},*${p},*${p},*${p},*${p},*${p},*${p},*${p},*${p}]`);
    }
    const dir = tmpTree({ 'bomb.yaml': `${lines.join('\n')}\n` });
    const r = await run('template', chart, '-f', join(dir, 'bomb.yaml'));
    expectClean(
      r,
      1,
      /bomb\.yaml: YAML aliases expand to over 1,000,000 nodes: refusing a possible alias bomb/,
    );
  });

  it('10,000-deep nesting is refused, not a stack overflow', async () => {
    const deep = `a: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
    const deepMap = `a: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`;
    const dir = tmpTree({ 'deep.yaml': deep, 'deepmap.yaml': deepMap });
    expectClean(
      await run('template', chart, '-f', join(dir, 'deep.yaml')),
      1,
      /deep\.yaml(:\d+:\d+)?: YAML nesting is (too deep|deeper than 256)/,
    );
    expectClean(
      await run('template', chart, '-f', join(dir, 'deepmap.yaml')),
      1,
      /deepmap\.yaml(:\d+:\d+)?: YAML nesting is (too deep|deeper than 256)/,
    );
  });

  it('a 50 MB values file is refused by size before it is read', async () => {
    const dir = tmpTree({});
    const file = join(dir, 'huge.yaml');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, 50 * 1024 * 1024);
    closeSync(fd);
    const r = await run('template', chart, '-f', file);
    expectClean(r, 2, /huge\.yaml: input is 50 MiB, over the 10 MiB limit/);
  });

  it('__proto__ and constructor keys are plain values, no prototype pollution', async () => {
    const dir = tmpTree({
      'v.yaml':
        'name: ok\nregion: eu\n__proto__:\n  polluted: yes\nconstructor:\n  prototype:\n    polluted: yes\n',
    });
    const r = await run('template', chart, '-f', join(dir, 'v.yaml'), '-o', 'json');
    expect(r.code).toBe(0);
    expect(({} as any).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('a missing required value points at the values file', async () => {
    const dir = tmpTree({ 'v.yaml': '# my values\nname: dev\n' });
    const r = await run('template', chart, '-f', join(dir, 'v.yaml'));
    expectClean(r, 1, /v\.yaml:2:1 \(\$\.region\): is required/);
  });

  it('a wrong type points at the exact line and column', async () => {
    const dir = tmpTree({ 'v.yaml': 'name: dev\nregion: eu\nsize: "three"\n' });
    const r = await run('template', chart, '-f', join(dir, 'v.yaml'));
    expectClean(r, 1, /v\.yaml:3:7 \(\$\.size\): must be integer, got string "three"/);
  });

  it('a template syntax error names the template file and line', async () => {
    const bad = tmpChart('a: 1\nb: {{#if Values.x}}\n');
    const r = await run('template', bad);
    expectClean(r, 1, /templates\/main\.yaml\.hbs:2:\d+: template syntax error/);
  });

  it('a function called with wrong arguments names the template line and the signature', async () => {
    const bad = tmpChart('a: 1\nb:{{nindent (toYaml Values)}}\n');
    const r = await run('template', bad);
    expectClean(r, 1, /templates\/main\.yaml\.hbs:2:3: nindent: expects 2 arguments \(N, STRING\), got 1/);
  });

  it('required fails with its message at the template line', async () => {
    const bad = tmpChart('a: {{required "a.region is required" Values.region}}\n');
    expectClean(await run('template', bad), 1, /main\.yaml\.hbs:1:4: a\.region is required/);
  });

  it('an unknown template name suggests the closest', async () => {
    const r = await run('template', 'aws-standlone-cp');
    expectClean(r, 1, /unknown template "aws-standlone-cp"; did you mean "aws-standalone-cp"\?/);
  });

  it('an unknown template in a ClusterDeployment points at spec.template', async () => {
    const dir = tmpTree({
      'cd.yaml':
        'apiVersion: clustermint.io/v1alpha1\nkind: ClusterDeployment\nmetadata:\n  name: dev\nspec:\n  template: simulated-standalone\n',
    });
    const r = await run('render', '-f', join(dir, 'cd.yaml'));
    expectClean(
      r,
      1,
      /cd\.yaml:6:13 \(\$\.spec\.template\): unknown template "simulated-standalone"; did you mean "simulated-standalone-cp"\?/,
    );
  });

  it('rendered output that is not YAML names the rendered line', async () => {
    const bad = tmpChart('kind: X\nmetadata:\n  name: {{Values.name}}\n  labels: {{Values.name}}: x: y\n');
    expectClean(
      await run('template', bad),
      1,
      /main\.yaml\.hbs \(rendered\):4:\d+: rendered output is not valid YAML/,
    );
  });

  it('an unreadable file is exit code 2', async () => {
    expectClean(
      await run('template', chart, '-f', '/nonexistent/values.yaml'),
      2,
      /\/nonexistent\/values\.yaml: cannot read: ENOENT/,
    );
  });

  it('usage errors are exit code 2', async () => {
    expect((await run('template', chart, '-o', 'xml')).code).toBe(2);
    expect((await run('nosuchcommand')).code).toBe(2);
    expect((await run('render')).code).toBe(2);
    expect((await run('template', chart, '--set', 'novalue')).code).toBe(1);
  });

  it('object names that are not DNS-1123 are rejected', async () => {
    const r = await run('template', chart, '--set', 'name=Bad_Name,region=eu');
    expectClean(r, 1, /X\/Bad_Name \$\.metadata\.name: metadata\.name "Bad_Name" is not a valid name/);
  });

  it('writes nothing to stdout when anything fails', async () => {
    writeFileSync(join(tmpTree({}), 'x'), '');
    const r = await run('template', chart, '--set', 'name=ok');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });
});
