import { describe, expect, it } from 'vitest';
import { jsonSyntaxError } from '../../src/util/json-syntax.js';
import { lineAndColumn } from '../../src/util/text-position.js';

const placed = (text: string) => {
  try {
    JSON.parse(text);
  } catch (e) {
    const err = jsonSyntaxError(e, text, 'f.json', 'INVALID_SUBMISSION');
    return { line: err.location?.line, col: err.location?.col, message: err.message };
  }
  throw new Error(`${text} parsed`);
};

describe('jsonSyntaxError', () => {
  it.each([
    // text, line, col, message
    ['[{"a": 1,\n "b": [1, 2\n', 3, 1, "invalid JSON: Expected ',' or ']' after array element"],
    ['{"a": tru}', 1, 10, "invalid JSON: Unexpected token '}'"],
    ['{\n "x": [1,\n  2,\n  }\n}', 4, 3, "invalid JSON: Unexpected token '}'"],
    ['{"a":1}}', 1, 8, 'invalid JSON: Unexpected non-whitespace character after the JSON value'],
    ['', 1, 1, 'invalid JSON: Unexpected end of input'],
    ['{\n  "a": 1,\n}', 3, 1, 'invalid JSON: Expected double-quoted property name'],
    ['"abc', 1, 5, 'invalid JSON: Unterminated string'],
    ['{"a": 1 "b": 2}', 1, 9, "invalid JSON: Expected ',' or '}' after property value"],
  ])('%j is wrong at %i:%i', (text, line, col, message) => {
    expect(placed(text)).toEqual({ line, col, message });
  });

  it('never quotes the text back (it may be megabytes)', () => {
    const text = `[${'1,'.repeat(10_000)}x]`;
    const got = placed(text);
    expect(got).toMatchObject({ line: 1, col: 20_002 });
    expect(got.message.length).toBeLessThan(80);
  });
});

describe('lineAndColumn', () => {
  it.each([
    ['abc', 0, 1, 1],
    ['abc', 3, 1, 4],
    ['a\nbc', 2, 2, 1],
    ['a\nbc\n', 5, 3, 1],
  ])('%j at %i is %i:%i', (text, offset, line, col) => {
    expect(lineAndColumn(text, offset)).toEqual({ line, col });
  });
});
