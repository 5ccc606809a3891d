/**
 * `get`'s table of 200,000 rows: the column widths were a Math.max over a spread of every row
 * (one call argument per row: "Maximum call stack size exceeded" past about 120,000).
 */
import { expect, it } from 'vitest';
import { table } from '../../src/cli/get-run.js';

it('a table of 200,000 rows is printed with its columns aligned', () => {
  const rows = [['NAME', 'PHASE']];
  for (let i = 0; i < 200_000; i++) rows.push([`m-${i}`, 'Running']);
  const lines = table(rows).split('\n');
  expect(lines[0]).toBe('NAME       PHASE');
  expect(lines[200_000]).toBe('m-199999   Running');
});
