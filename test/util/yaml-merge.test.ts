// YAML merge keys (`<<`) in the readers of what people write and of rendered output: merged as
// go-yaml merges them (they were read as a literal "<<" key), and a merge of something that is
// not a map, or a list of maps, is an error at its place.
import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { ClustermintError } from '../../src/util/errors.js';
import { CORE_WITH_MERGE, parseYamlSource } from '../../src/util/yaml-source.js';

const MERGED =
  'base: &base {a: 1, b: 2}\nmore: &more {c: 3}\nx:\n  <<: *base\n  b: 9\nw:\n  <<: [*base, *more]\n';

describe('YAML merge keys', () => {
  it('merge a map and a list of maps, later keys winning, in the input reader', () => {
    const [d] = parseYamlSource(MERGED, 'values.yaml');
    expect(d!.value).toMatchObject({ x: { a: 1, b: 9 }, w: { a: 1, b: 2, c: 3 } });
    expect(Object.keys((d!.value as { x: object }).x)).not.toContain('<<');
  });

  it('merge the same way in the rendered-output schema', () => {
    expect(jsyaml.load(MERGED, { schema: CORE_WITH_MERGE })).toMatchObject({ x: { a: 1, b: 9 } });
  });

  it('a merge of a list of scalars is a located error, not a "<<" key', () => {
    let err: unknown;
    try {
      parseYamlSource('l: &l [1, 2]\nx:\n  <<: *l\n', 'values.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ClustermintError);
    expect((err as ClustermintError).message).toMatch(/cannot merge mappings/);
    expect((err as ClustermintError).location?.file).toBe('values.yaml');
    expect((err as ClustermintError).location?.line).toBeGreaterThanOrEqual(3);
  });
});
