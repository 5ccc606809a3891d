import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClustermintError, formatError } from '../../src/util/errors.js';
import { decodeUtf8Strict, firstInvalidUtf8 } from '../../src/util/utf8.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

describe('decodeUtf8Strict', () => {
  it('decodes valid UTF-8 as Node does, a byte-order mark kept', () => {
    const text = '\uFEFFname: ünïcødé 🚀\n';
    expect(decodeUtf8Strict(Buffer.from(text), 'v.yaml')).toBe(text);
    expect(decodeUtf8Strict(new Uint8Array(), 'v.yaml')).toBe('');
  });

  const invalid: [string, Buffer, number][] = [
    ['a lone continuation byte', bytes('a: ', [0x80]), 3],
    ['0xff', bytes('a: b\nc: "x', [0xff], '"\n'), 10],
    ['a truncated sequence at the end', bytes('é', [0xe2, 0x82]), 2],
    ['a lead byte without its continuation', bytes([0xc3, 0x28]), 0],
    ['an overlong slash', bytes('x', [0xc0, 0xaf]), 1],
    ['an overlong three-byte form', bytes([0xe0, 0x80, 0xaf]), 0],
    ['a UTF-16 surrogate', bytes('ok', [0xed, 0xa0, 0x80]), 2],
    ['past U+10FFFF', bytes([0xf4, 0x90, 0x80, 0x80]), 0],
    ['0xf5', bytes('🚀', [0xf5, 0x80, 0x80, 0x80]), 4],
  ];
  it.each(invalid)('refuses %s at its byte offset', (_name, input, offset) => {
    expect(firstInvalidUtf8(input)).toBe(offset);
    expect(() => decodeUtf8Strict(input, 'v.yaml')).toThrow(`invalid UTF-8 at byte offset ${offset} `);
  });

  it('names the file, line and column (in characters) of the first bad byte', () => {
    const input = bytes('name: a\nregion: "ü', [0xff, 0xfe], '"\n');
    let error: unknown;
    try {
      decodeUtf8Strict(input, 'values.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ClustermintError);
    const e = error as ClustermintError;
    expect(e.location).toEqual({ file: 'values.yaml', line: 2, col: 11 });
    expect(e.exitCode).toBe(1);
    expect(formatError(e)).toBe(
      'values.yaml:2:11: invalid UTF-8 at byte offset 19 (byte 0xff, line 2, column 11): input must be UTF-8 text',
    );
  });

  it('property: agrees with the WHATWG fatal decoder on any bytes', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), fc.string({ unit: 'binary', maxLength: 8 }), (raw, s) => {
        for (const input of [raw, bytes(s, [...raw]), bytes([...raw], s)]) {
          let valid = true;
          try {
            fatal.decode(input);
          } catch {
            valid = false;
          }
          expect(firstInvalidUtf8(input) === -1).toBe(valid);
          if (!valid) {
            const at = firstInvalidUtf8(input);
            // the bytes before the first bad one are valid
            expect(() => fatal.decode(input.subarray(0, at))).not.toThrow();
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
