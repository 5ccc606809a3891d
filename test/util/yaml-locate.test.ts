import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Document, isMap, isSeq, visit } from 'yaml';
import type { ClustermintError } from '../../src/util/errors.js';
import { locateInYaml, NodeFinder, parseYamlSource, yamlLocator } from '../../src/util/yaml-source.js';
import { countArraySteps } from '../helpers/count-work.js';

const require = createRequire(import.meta.url);
/** The `yaml` module as yaml-source.ts loads it (lazily, through require). */
const yamlModule = require('yaml') as typeof import('yaml');

/**
 * Counts the reads of map and list items in every document the positional parser makes: the
 * work of locating, whatever the algorithm (`yaml`'s getIn reads a map's items one by one).
 */
function countItemReads(): { reads: () => number } {
  let reads = 0;
  const real = yamlModule.parseAllDocuments;
  vi.spyOn(yamlModule, 'parseAllDocuments').mockImplementation(((...args: Parameters<typeof real>) => {
    const docs = real(...args) as Document[];
    for (const d of docs)
      visit(d, (_key, node) => {
        if (isMap(node) || isSeq(node)) {
          const items = node.items as unknown[];
          (node as { items: unknown[] }).items = new Proxy(items, {
            get(target, prop, receiver) {
              if (typeof prop === 'string' && /^\d+$/.test(prop)) reads++;
              return Reflect.get(target, prop, receiver);
            },
          });
        }
      });
    return docs;
  }) as typeof real);
  return { reads: () => reads };
}

afterEach(() => {
  vi.restoreAllMocks();
});

const TEXT = [
  'kind: ClusterDeployment', // 1
  'spec:', // 2
  '  config:', // 3
  '    zones: [a, b]', // 4
  '    "1": one', // 5
  '    nested:', // 6
  '      deep: x', // 7
  '    base: &b {k: v}', // 8
  '    copy: *b', // 9
  '', // 10
].join('\n');

describe('locating a path in a YAML source', () => {
  const [doc] = parseYamlSource(TEXT, 'cd.yaml');

  it('finds values, map keys, list items and the nearest ancestor that exists', () => {
    expect(doc.locate([])).toEqual({ line: 1, col: 1 });
    expect(doc.locate(['spec', 'config', 'nested', 'deep'])).toEqual({ line: 7, col: 13 });
    expect(doc.locate(['spec', 'config', 'nested', 'deep'], true)).toEqual({ line: 7, col: 7 });
    expect(doc.locate(['spec', 'config', 'zones', 1])).toEqual({ line: 4, col: 16 });
    expect(doc.locate(['spec', 'config', '1'], true)).toEqual({ line: 5, col: 5 });
    // a missing key: its parent; a path through an alias: the alias
    expect(doc.locate(['spec', 'config', 'nested', 'nope', 'x'])).toEqual({ line: 7, col: 7 });
    expect(doc.locate(['spec', 'config', 'nope'], true)).toEqual({ line: 4, col: 5 });
    expect(doc.locate(['spec', 'config', 'copy', 'k'])).toEqual({ line: 9, col: 11 });
  });

  it('finds paths in each document of a stream, and in a rendered text', () => {
    const docs = parseYamlSource('a: 1\n---\nb:\n  c: 2\n', 'two.yaml');
    expect(docs[1].locate(['b', 'c'])).toEqual({ line: 4, col: 6 });
    expect(locateInYaml('x:\n  - y: 1\n', ['x', 0, 'y'], true)).toEqual({ line: 2, col: 5 });
  });

  it('locates in each document of a stream as a parse of the whole stream does', () => {
    // cut at `---` lines (one document parsed at a time) where that is safe, whole otherwise
    const streams = [
      'a: 1\n---\nb:\n  c: [x, {d: 2}]\n---\n# only a comment\n---\nkey: |\n  text\n  --- not a marker\n',
      '# head comment\n\n---\nfirst: 1\n--- # a comment on the marker\nsecond:\n  - 1\n  - two: 2\n',
      'x: 1\n---\n---\ny: &a {k: v}\nz: *a\n',
      '---\n|\n  literal\n---\nafter: 1\n', // a root block scalar: whole parse
      '%YAML 1.2\n---\na: 1\n...\n---\nb: 2\n', // directives and ends: whole parse
      '--- {a: 1}\n--- [1, 2]\n', // content on the marker line: whole parse
      'a: 1\r\n---\r\nb: 2\r\n', // CRLF: whole parse
      `${Array.from({ length: 30 }, (_, i) => `name: n${i}\nspec:\n  list:\n  - k: ${i}\n    v: "${'x'.repeat(i)}"\n`).join('---\n')}`,
    ];
    const leafPaths = (v: unknown, at: (string | number)[] = []): (string | number)[][] => {
      if (Array.isArray(v)) return [at, ...v.flatMap((x, i) => leafPaths(x, [...at, i]))];
      if (v !== null && typeof v === 'object')
        return [at, ...Object.entries(v).flatMap(([k, x]) => leafPaths(x, [...at, k]))];
      return [at];
    };
    for (const text of streams) {
      const lc = new yamlModule.LineCounter();
      const whole = yamlModule
        .parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false })
        .map((d) => new NodeFinder(d as Document, lc));
      for (const doc of parseYamlSource(text, 'stream.yaml')) {
        for (const path of leafPaths(doc.value)) {
          for (const atKey of [false, true]) {
            expect(doc.locate(path, atKey), `${JSON.stringify(text)} ${doc.index} ${path}`).toEqual(
              whole[doc.index].locate(path, atKey),
            );
          }
        }
      }
    }
  });

  it('locating every key of a map is linear work: 4x the keys, about 4x the item reads', () => {
    const work = (n: number) => {
      const counter = countItemReads();
      // an anchor: positions come from `yaml` (NodeFinder), not js-yaml's (yaml-event-positions.ts)
      const text = `config: &c\n${Array.from({ length: n }, (_, i) => `  k${i}: ${i}\n`).join('')}`;
      const [d] = parseYamlSource(text, 'big.yaml');
      for (let i = 0; i < n; i++) expect(d.locate(['config', `k${i}`], true)?.line).toBe(i + 2);
      vi.restoreAllMocks();
      return counter.reads();
    };
    const small = work(500);
    const large = work(2000);
    // quadratic (a scan of the map per lookup) reads about 16x as much
    expect(large / small).toBeLessThan(5);
  });

  it('reading a source and its positions is linear work in the keys of a map', () => {
    const work = (n: number) => {
      const text = `config:\n${Array.from({ length: n }, (_, i) => `  k${i}: ${i}\n`).join('')}`;
      return countArraySteps(() => {
        const [d] = parseYamlSource(text, 'big.yaml');
        expect(d.locate(['config', `k${n - 1}`])?.line).toBe(n + 1);
      }).steps;
    };
    // `yaml`'s duplicate-key check compares each key with all the earlier ones: about 16x
    expect(work(2000) / work(500)).toBeLessThan(5);
  });

  it('a duplicate key is an error at the repeated key, in linear work', () => {
    const work = (n: number) => {
      const keys = Array.from({ length: n }, (_, i) => `  k${i}: ${i}\n`).join('');
      const text = `config:\n${keys}  k0: again\n`;
      return countArraySteps(() => {
        try {
          parseYamlSource(text, 'dup.yaml');
        } catch (e) {
          return e as ClustermintError;
        }
        throw new Error('expected a duplicate-key error');
      });
    };
    const small = work(500);
    const large = work(2000);
    expect(large.result.message).toBe('invalid YAML: Map keys must be unique');
    expect(large.result.location).toMatchObject({ file: 'dup.yaml', line: 2002, col: 3 });
    expect(large.steps / small.steps).toBeLessThan(5);
  });

  it('a rendered text is parsed once however many paths are located in it', () => {
    const parse = vi.spyOn(yamlModule, 'parseAllDocuments');
    const locate = yamlLocator('a:\n  b: 1\n  c: 2\n');
    expect(locate(['a', 'b'])).toEqual({ line: 2, col: 6 });
    expect(locate(['a', 'c'], true)).toEqual({ line: 3, col: 3 });
    expect(parse).toHaveBeenCalledTimes(1);
  });
});
