/**
 * Help texts are written as source lines of about 100 columns; commander wraps each line to the
 * terminal (80 columns when not one), so a hand-broken line came out ragged: a long line wrapped,
 * then a short rest. `reflow` joins the lines of a paragraph before commander wraps it. A blank
 * line, a line after a sentence's end, and an indented or bulleted line keep their breaks
 * (examples and lists stay as written).
 */
import { Help } from 'commander';

const KEEPS_BREAK_BEFORE = /^(\s|[-*•]\s|$)/;
const ENDS_SENTENCE = /[.!?]$/;

export function reflow(text: string): string {
  const lines = text.split('\n');
  let out = lines[0] ?? '';
  for (let i = 1; i < lines.length; i++) {
    const prev = lines[i - 1]!;
    const line = lines[i]!;
    const join = prev.trim() !== '' && !ENDS_SENTENCE.test(prev.trimEnd()) && !KEEPS_BREAK_BEFORE.test(line);
    out += join ? ` ${line}` : `\n${line}`;
  }
  return out;
}

/** Commander's help, with descriptions reflowed (give to every command's configureHelp). */
export const REFLOWED_HELP: Partial<Help> = {
  commandDescription(this: Help, cmd) {
    return reflow(Help.prototype.commandDescription.call(this, cmd));
  },
  optionDescription(this: Help, option) {
    return reflow(Help.prototype.optionDescription.call(this, option));
  },
  argumentDescription(this: Help, argument) {
    return reflow(Help.prototype.argumentDescription.call(this, argument));
  },
};
