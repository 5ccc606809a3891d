import { describe, expect, it } from 'vitest';
import { clip, clipLines, printable, quote, terminalText } from '../../src/util/printable.js';

describe('printable', () => {
  it('spells escape, OSC, BEL, C1 controls and bidi overrides as \\uXXXX', () => {
    const hostile = '\x1b]0;pwned\x07\x1b[31mred\u202eevil\x9b31m\u2066x\u2069\x7f\r\0';
    const out = printable(hostile);
    expect(out).toBe(
      '\\u001b]0;pwned\\u0007\\u001b[31mred\\u202eevil\\u009b31m\\u2066x\\u2069\\u007f\\u000d\\u0000',
    );
    // nothing a terminal would act on is left
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it('keeps newlines and tabs, unless the text must stay on one line', () => {
    expect(printable('a\n\tb')).toBe('a\n\tb');
    expect(printable('a\n\tb', { oneLine: true })).toBe('a\\u000a\\u0009b');
  });

  it('leaves ordinary text, accents and emoji alone and is idempotent', () => {
    const text = 'région: eu-west-1 ✓ 🚀 "quoted" \\ back';
    expect(printable(text)).toBe(text);
    const once = printable('\x1b[2J');
    expect(printable(once)).toBe(once);
  });
});

describe('clip and quote', () => {
  it('cuts an echoed value with a note of its full size in bytes', () => {
    const big = 'y'.repeat(123_456);
    const out = clip(big);
    expect(out).toBe(`${'y'.repeat(200)}… (123,456 bytes)`);
    expect(clip('short')).toBe('short');
  });

  it('never splits a surrogate pair', () => {
    const out = clip(`${'a'.repeat(199)}🚀🚀`, 200);
    expect(out.startsWith(`${'a'.repeat(199)}…`)).toBe(true);
    expect(out).toMatch(/\((207|208) bytes\)$/);
  });

  it('quote JSON-quotes, so controls are escaped, and clips', () => {
    expect(quote('a\x1bb')).toBe('"a\\u001bb"');
    expect(quote('z'.repeat(1000))).toMatch(/^"z{199}… \(1,002 bytes\)$/);
  });

  it('clipLines caps each line of a message, keeping the others', () => {
    const text = `head\n${'x'.repeat(5000)}\ntail`;
    expect(clipLines(text, 10)).toBe(`head\n${'x'.repeat(10)}… (5,000 bytes)\ntail`);
    expect(terminalText(`e\x07${'x'.repeat(2000)}`)).toMatch(/^e\\u0007x+… \(2,002 bytes\)$/);
  });
});
