/**
 * Alias expansion is bounded by text as well as by nodes, in every reader of YAML and JSON: a
 * small file whose aliases point at long strings stays under the node limit and used to expand to
 * gigabytes. And a large document without aliases is not called an alias bomb.
 */
import { describe, expect, it } from 'vitest';
import { Bindings } from '../../src/expression/bindings.js';
import { jpCompiler } from '../../src/jmespath/index.js';
import { unmarshalGoYaml } from '../../src/render/topology/rendered-yaml.js';
import { ClustermintError } from '../../src/util/errors.js';
import { parseYamlSource } from '../../src/util/yaml-source.js';
import { parseAdmissionReview } from '../../src/webhook/review.js';

/** 37 KB: one 4 KB string, aliased 100 times in a list, which is aliased 4,000 times (1.6 GB). */
function stringBomb(indent = ''): string {
  const s = 'x'.repeat(4096);
  return [
    `${indent}a: &a "${s}"`,
    `${indent}b: &b [${Array(100).fill('*a').join(',')}]`,
    `${indent}c: [${Array(4000).fill('*b').join(',')}]`,
  ].join('\n');
}

function failure(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('alias expansion bounded in text', () => {
  it('a values file aliasing long strings fails fast, naming the file and the limit', () => {
    const t0 = Date.now();
    const e = failure(() => parseYamlSource(`${stringBomb()}\n`, 'values.yaml')) as ClustermintError;
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(e).toBeInstanceOf(ClustermintError);
    expect(e.location?.file).toBe('values.yaml');
    expect(e.message).toBe(
      'YAML aliases expand to over 32 MiB of keys and strings (the limit): refusing a possible alias bomb',
    );
  });

  it('the budget spans the documents of one file', () => {
    // each document alone is under the limit (8,000 x 4 KB = 31.25 MiB of 32), two are not
    const s = 'x'.repeat(4096);
    const doc = `a: &a "${s}"\nb: [${Array(8000).fill('*a').join(',')}]\n`;
    expect(parseYamlSource(doc, 'one.yaml')).toHaveLength(1);
    expect(failure(() => parseYamlSource(`${doc}---\n${doc}`, 'two.yaml')).message).toMatch(
      /YAML aliases expand to over 32 MiB/,
    );
  });

  it('the go-yaml reader of rendered ClusterClass patches stops with go-yaml words', () => {
    const t0 = Date.now();
    expect(failure(() => unmarshalGoYaml(`${stringBomb()}\n`)).message).toBe(
      'yaml: document contains excessive aliasing',
    );
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it("JMESPath's parse_yaml of a payload string is bounded too", () => {
    // 9,000 aliases of one 4 KB string: under the 10,000 aliases parse_yaml allows, 36 MB
    const text = `a: &a "${'x'.repeat(4096)}"\nb: [${Array(9000).fill('*a').join(',')}]\n`;
    const e = failure(() => jpCompiler.compile('parse_yaml(@)').evaluate(text, Bindings.empty));
    expect(e.message).toMatch(/over 32 MiB of keys and strings/);
  });
});

describe('node counts are worded for what they are', () => {
  it('a 1.2M-node JSON AdmissionReview is large, not an alias bomb', () => {
    const body = JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: { uid: 'u', object: { data: Array(1_200_000).fill(0) } },
    });
    const e = failure(() => parseAdmissionReview(body));
    expect(e.message).toBe('the document has over 1,000,000 nodes (maps, lists and values), the limit');
    expect(e.message).not.toMatch(/alias/);
  });

  it('a YAML list of 1.2M items without aliases is large; the billion laughs is an alias bomb', () => {
    const list = `l: [${Array(1_200_000).fill('0').join(',')}]\n`;
    expect(failure(() => parseYamlSource(list, 'big.yaml')).message).toBe(
      'the document has over 1,000,000 nodes (maps, lists and values), the limit',
    );
    const lines = ['a: &a [1,1,1,1,1,1,1,1,1,1]'];
    for (let i = 1; i < 8; i++) {
      const p = String.fromCharCode(96 + i);
      const n = String.fromCharCode(97 + i);
      lines.push(`${n}: &${n} [${Array(10).fill(`*${p}`).join(',')}]`);
    }
    expect(failure(() => parseYamlSource(`${lines.join('\n')}\n`, 'laughs.yaml')).message).toBe(
      'YAML aliases expand to over 1,000,000 nodes: refusing a possible alias bomb',
    );
  });
});
