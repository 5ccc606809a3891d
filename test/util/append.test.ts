// util/append.ts: appending a caller-sized list without a call spread (issue 17), and no
// `.push(...list)` left in src/ (a spread passes every item as an argument: past ~120,000 items
// V8 throws 'Maximum call stack size exceeded').
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { append } from '../../src/util/append.js';

const SRC = join(import.meta.dirname, '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('append', () => {
  it('appends 500,000 items, where a spread push overflows the stack', () => {
    const items = Array.from({ length: 500_000 }, (_, i) => i);
    expect(() => [].push(...(items as never[]))).toThrow(RangeError);
    const target = [-1];
    expect(append(target, items)).toBe(target);
    expect(target.length).toBe(500_001);
    expect(target[500_000]).toBe(499_999);
  });

  it('is the only way src/ appends a list: no .push(...) spread is left', () => {
    const found = sources(SRC).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          /\.push\(\.\.\./.test(line) &&
          !line.trimStart().startsWith('*') &&
          !line.trimStart().startsWith('//')
            ? [`${relative(SRC, file)}:${i + 1}`]
            : [],
        ),
    );
    expect(found).toEqual([]);
  });
});
