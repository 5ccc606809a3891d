/**
 * A repository's index.yaml (src/resolve/chart-sources/repository.ts parseIndex): aliases are
 * bounded by what a text of its size could hold (a 135 KB index naming a list of 2,000 entries
 * 2,000 times took 4 s and 1.1 GB; ten times the aliases did not end), and merge keys merge as
 * in Helm's reader (an entry built with `<<: *base` was dropped as nameless).
 */
import { describe, expect, it } from 'vitest';
import { parseIndex } from '../../../src/resolve/chart-sources/repository.js';

/** `versions` entries under an anchor, then `charts` charts that each alias the whole list. */
function aliasedIndex(versions: number, charts: number): string {
  const lines = ['apiVersion: v1', 'base: &l'];
  for (let i = 0; i < versions; i++) lines.push(`  - {name: c, version: 1.0.${i}, urls: [c-1.0.${i}.tgz]}`);
  lines.push('entries:');
  for (let i = 0; i < charts; i++) lines.push(`  c${i}: *l`);
  return `${lines.join('\n')}\n`;
}

describe('index.yaml', () => {
  it('whose aliases expand past what its text could hold is refused quickly, naming the limit', () => {
    const text = aliasedIndex(2000, 20_000);
    const t0 = performance.now();
    expect(() => parseIndex(Buffer.from(text))).toThrow(
      /^index\.yaml: YAML aliases expand to over 1,000,000 nodes: refusing a possible alias bomb$/,
    );
    expect(performance.now() - t0).toBeLessThan(3_000);
  });

  it('with a few aliases is read as before', () => {
    const index = parseIndex(Buffer.from(aliasedIndex(3, 2)));
    expect(index.get('c1')?.map((e) => e.version)).toEqual(['1.0.2', '1.0.1', '1.0.0']);
  });

  it('merges an entry built with a merge key', () => {
    const text =
      'apiVersion: v1\nbase: &b {name: c, urls: [c.tgz]}\nentries:\n  c:\n    - <<: *b\n      version: 1.0.0\n';
    expect(parseIndex(Buffer.from(text)).get('c')).toEqual([
      { name: 'c', version: '1.0.0', urls: ['c.tgz'], digest: undefined },
    ]);
  });
});
