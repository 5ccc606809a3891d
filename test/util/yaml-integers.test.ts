import { describe, expect, it } from 'vitest';
import { ClustermintError, formatError } from '../../src/util/errors.js';
import { parseYamlSource } from '../../src/util/yaml-source.js';

function refusal(text: string): string {
  try {
    parseYamlSource(text, 'v.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ClustermintError);
    expect((e as ClustermintError).exitCode).toBe(1);
    return formatError(e as ClustermintError);
  }
  throw new Error('accepted');
}

describe('integers in YAML and JSON input are exact', () => {
  it('refuses an integer past 2^53-1 at its line and column, not as 1e+23', () => {
    expect(refusal('region: eu\nworkersNumber: 99999999999999999999999\n')).toBe(
      'v.yaml:2:16: integer 99999999999999999999999 is out of range (at most 2^53-1 is exact)',
    );
  });

  it('refuses 2^53+1 (which would round to 2^53), 2^53 and their negatives, in JSON too', () => {
    expect(refusal('{"a": {"n": [1, 9007199254740993]}}')).toBe(
      'v.yaml:1:17: integer 9007199254740993 is out of range (at most 2^53-1 is exact)',
    );
    expect(refusal('a: 9007199254740992\n')).toMatch(/integer 9007199254740992 is out of range/);
    expect(refusal('---\nx: 1\n---\na:\n  - -9007199254740993\n')).toMatch(
      /^v\.yaml:5:5: integer -9007199254740993 is out of range/,
    );
    expect(refusal('a: 0x20000000000001\n')).toMatch(
      /^v\.yaml:1:4: integer 0x20000000000001 is out of range/,
    );
  });

  it('keeps exact integers, floats and strings as they were', () => {
    const [doc] = parseYamlSource(
      'a: 9007199254740991\nb: -9007199254740991\nc: 1e+23\nd: "99999999999999999999999"\ne: 0x1F\nf: 1.5\n',
      'v.yaml',
    );
    expect({ ...(doc.value as object) }).toEqual({
      a: 9007199254740991,
      b: -9007199254740991,
      c: 1e23,
      d: '99999999999999999999999',
      e: 31,
      f: 1.5,
    });
  });
});
