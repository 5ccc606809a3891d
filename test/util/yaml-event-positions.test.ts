// Positions from js-yaml's listener (yaml-event-positions.ts) against the `yaml` package's
// (NodeFinder): the same line and column for every node, every key and a missing key under every
// node, on every document of the repository's YAML files that the fast reader models; and what it
// does not model is left to `yaml` (undefined).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import type { PathSegment } from '../../src/util/json-path.js';
import { eventPositions } from '../../src/util/yaml-event-positions.js';
import { NodeFinder } from '../../src/util/yaml-source.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Every disagreement between the two readers on one document (empty when they agree). */
function disagreements(text: string): string[] {
  const fast = eventPositions(text);
  if (!fast) return [];
  const lc = new LineCounter();
  const slow = new NodeFinder(parseDocument(text, { lineCounter: lc, uniqueKeys: false }), lc);
  const out: string[] = [];
  const check = (path: PathSegment[], atKey: boolean) => {
    const a = fast.locate(path, atKey);
    const b = slow.locate(path, atKey);
    if (JSON.stringify(a) !== JSON.stringify(b))
      out.push(
        `${JSON.stringify(path)}${atKey ? ' (key)' : ''}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`,
      );
  };
  const walk = (v: unknown, path: PathSegment[]) => {
    check(path, false);
    check(path, true);
    check([...path, 'no-such-key'], false);
    if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(x, [...path, i]);
    else if (v !== null && typeof v === 'object')
      for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...path, k]);
  };
  walk(jsyaml.load(text), []);
  return out;
}

describe('eventPositions', () => {
  it("agrees with yaml's positions on every document of the repository's YAML it models", () => {
    const files = execFileSync('git', ['ls-files', '*.yaml', '*.yml'], { cwd: ROOT, encoding: 'utf8' })
      .trim()
      .split('\n');
    let modelled = 0;
    const wrong: string[] = [];
    for (const f of files) {
      for (const doc of readFileSync(join(ROOT, f), 'utf8').split(/^---(?=[ \t\n]|$).*\n?/m)) {
        try {
          jsyaml.load(doc);
        } catch {
          continue; // a fixture that is meant to be broken
        }
        if (eventPositions(doc)) modelled++;
        for (const d of disagreements(doc)) wrong.push(`${f}: ${d}`);
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    // the fast reader takes most documents: if it stopped modelling them this would say so
    expect(modelled).toBeGreaterThan(200);
  });

  it.each([
    ['flow maps with quoted keys', '{"a": {"b": [1, "x"]}, "c": \'d\'}\n'],
    ['comments and blank lines between', '# head\na:  # after\n\n  # inside\n  b: 1\nc:\n- x\n- [y, z]\n'],
    ['a list of maps', 'items:\n  - name: a\n    value: 1\n  -   name: b\n      value: "2"\n'],
    ['quoted values and odd plain words', 'a: \'x y\'\nb: "z"\nc: a*b&c\nd: null\ne: true\n'],
  ])('agrees on %s', (_, text) => {
    expect(eventPositions(text)).toBeDefined();
    expect(disagreements(text)).toEqual([]);
  });

  it.each([
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a merge key', 'a: {k: 1}\nb:\n  <<: {k: 2}\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['an empty value', 'a:\nb: 1\n'],
    ['a number as a key', '1: a\n'],
    ['a boolean word as a key', 'True: a\n'],
    ['an explicit key', '? a\n: b\n'],
    ['a tab', 'a:\t1\n'],
    ['an escape in a quoted key', '"a\\u0041": 1\n'],
  ])('leaves %s to yaml', (_, text) => {
    expect(eventPositions(text)).toBeUndefined();
  });

  it('counts lines from the offset it is given (a document cut out of a stream)', () => {
    expect(eventPositions('a:\n  b: 1\n', 10)?.locate(['a', 'b'])).toEqual({ line: 12, col: 6 });
  });
});
