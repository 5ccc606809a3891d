/**
 * Text on its way to a terminal. What comes from input (a submission's values and keys, a
 * policy message, a template error) may carry escape sequences (ESC, OSC, BEL), other C0 or C1
 * controls, or bidi overrides that a terminal acts upon or that reorder what is shown.
 * `printable` spells each as `\u001b`, so the output shows what the input held and does
 * nothing else; `clip` and `quote` cap a value echoed back, with a note of its full size.
 */

/** C0 but tab and newline, DEL, C1, the bidi controls and the Unicode line/paragraph separators. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
/** The same with tab and newline: for a table cell or a line that must stay one line. */
const CONTROLS_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const spell = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * `text` with every control character spelled `\uXXXX`. Newlines and tabs stay unless
 * `oneLine`. Idempotent: the escapes are printable themselves.
 */
export function printable(text: string, options: { oneLine?: boolean } = {}): string {
  const re = options.oneLine ? CONTROLS_ONE_LINE : CONTROLS;
  re.lastIndex = 0;
  return re.test(text) ? text.replace(re, spell) : text;
}

/** Characters of an echoed value shown before it is cut. */
export const MAX_ECHO = 200;

/** `text` cut to `max` characters, then `… (123,456 bytes)`: the full size of what was cut. */
export function clip(text: string, max = MAX_ECHO): string {
  if (text.length <= max) return text;
  let end = max;
  // never split a surrogate pair
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${text.slice(0, end)}… (${Buffer.byteLength(text).toLocaleString('en-US')} bytes)`;
}

/** A value echoed in a message: JSON-quoted (so controls are escaped) and clipped. */
export function quote(value: unknown, max = MAX_ECHO): string {
  return clip(JSON.stringify(value) ?? String(value), max);
}

/** Lines of a message longer than this are cut: the net under echoes that were not clipped. */
export const MAX_LINE = 1000;

/** Every line of `text` clipped to `max` characters (line ends kept). */
export function clipLines(text: string, max = MAX_LINE): string {
  if (text.length <= max) return text;
  return text
    .split('\n')
    .map((l) => clip(l, max))
    .join('\n');
}

/** Human text for a terminal: escaped, and each line capped. */
export function terminalText(text: string): string {
  return printable(clipLines(text));
}
