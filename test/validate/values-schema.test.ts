import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateValues } from '../../src/validate/values-schema.js';
import { run } from '../helpers/cli.js';
import { tmpChart, tmpTree } from '../helpers/tmp.js';

const paths = (problems: ReturnType<typeof validateValues>) =>
  problems.map((p) => `${p.path.join('.')}: ${p.message}`);

describe('values schemas', () => {
  it('draft 2020-12: prefixItems, unevaluatedProperties, with paths', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }] } },
      unevaluatedProperties: false,
    };
    expect(paths(validateValues(schema, 's.json', { pair: ['a', 'b'], extra: 1 }))).toEqual([
      'pair.1: must be integer, got string "b"',
      'extra: is not allowed here (unknown key)',
    ]);
  });

  it('draft-07: enum, minimum, required, nested', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      required: ['k0s'],
      properties: {
        k0s: { type: 'object', required: ['version'], properties: { arch: { enum: ['amd64', 'arm64'] } } },
        n: { type: 'integer', minimum: 1 },
      },
    };
    expect(paths(validateValues(schema, 's.json', { k0s: { arch: 'x86' }, n: 0 }))).toEqual([
      'k0s.version: is required',
      'k0s.arch: must be one of "amd64", "arm64"',
      'n: must be >= 1',
    ]);
  });

  it('patterns run on RE2: linear time on a classic ReDoS pattern, Go syntax', () => {
    const schema = { type: 'object', properties: { s: { type: 'string', pattern: '^(a+)+$' } } };
    const started = process.hrtime.bigint();
    const problems = validateValues(schema, 's.json', { s: `${'a'.repeat(5000)}!` });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(problems.map((p) => p.keyword)).toEqual(['pattern']);
    expect(ms).toBeLessThan(2000); // a backtracking engine would not finish
  });

  it('a schema that refers to a remote $ref is a chart error, never a download', async () => {
    const chart = tmpChart('a: 1\n', {
      'values.schema.json': JSON.stringify({
        type: 'object',
        properties: { a: { $ref: 'https://example.com/x.json' } },
      }),
    });
    const r = await run('template', chart);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /values\.schema\.json: invalid values schema: can't resolve reference https:\/\/example\.com\/x\.json/,
    );
  });

  it('a malformed values.schema.json names its line and column', async () => {
    const chart = tmpChart('a: 1\n', {
      'values.schema.json': '{\n  "type": "object",\n  "properties": {,}\n}\n',
    });
    const r = await run('template', chart);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/values\.schema\.json:3:\d+: invalid JSON/);
  });

  it('errors in a -f file win over the chart defaults when both set the value', async () => {
    const chart = tmpChart('a: 1\n', {
      'values.yaml': 'size: 3\n',
      'values.schema.json': JSON.stringify({
        type: 'object',
        properties: { size: { type: 'integer', maximum: 5 } },
      }),
    });
    const dir = tmpTree({ 'v.yaml': '\n\nsize: 9\n' });
    const r = await run('template', chart, '-f', join(dir, 'v.yaml'));
    expect(r.stderr).toMatch(/v\.yaml:3:7 \(\$\.size\): must be <= 5/);
    const bad = tmpChart('a: 1\n', {
      'values.yaml': '# defaults\nsize: 9\n',
      'values.schema.json': JSON.stringify({
        type: 'object',
        properties: { size: { type: 'integer', maximum: 5 } },
      }),
    });
    expect((await run('template', bad)).stderr).toMatch(/values\.yaml:2:7 \(\$\.size\): must be <= 5/);
  });
});
