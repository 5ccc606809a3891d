import { describe, expect, it } from 'vitest';
import { randomSuffix, simpleName, templateName } from '../../../src/render/topology/names.js';

// The definition of FNV-1a 64 in BigInt, as the suffix was first written: the 32-bit-halves
// version must give the same characters, or every generated name would change.
function referenceSuffix(seed: string): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < seed.length; i++)
    h = BigInt.asUintN(64, (h ^ BigInt(seed.charCodeAt(i))) * 0x100000001b3n);
  let s = '';
  for (let i = 0; i < 5; i++) {
    s += alphabet[Number(h % 27n)];
    h /= 27n;
  }
  return s;
}

describe('generated names', () => {
  it('derive the suffix from FNV-1a 64 of the seed', () => {
    const seeds = ['', 'a', 'team-a/bench/control-plane', 'ns/é☃/𝄞', 'x'.repeat(300)];
    for (let i = 0; i < 2000; i++) seeds.push(`ns-${i}/cluster-${i * 7919}/md/${(i * 31).toString(36)}`);
    for (const s of seeds) expect(randomSuffix(s), s).toBe(referenceSuffix(s));
  });

  it('cut long bases to 58 characters plus the suffix', () => {
    const name = simpleName(`${'a'.repeat(70)}-`, 'seed');
    expect(name).toHaveLength(63);
    expect(name.endsWith(randomSuffix('seed'))).toBe(true);
  });

  it('fill naming templates and cut names over 63 characters', () => {
    expect(templateName('{{ .cluster.name }}-{{ .random }}', { cluster: { name: 'c' } }, 's')).toBe(
      `c-${randomSuffix('s')}`,
    );
    const long = templateName('{{ .cluster.name }}', { cluster: { name: 'b'.repeat(80) } }, 's');
    expect(long).toBe(`${'b'.repeat(58)}${randomSuffix('s/trimmed')}`);
    expect(() => templateName('{{ .nope.name }}', {}, 's')).toThrow(/rendering template/);
  });
});
