/**
 * JSON.parse's SyntaxError, placed: V8 says "... in JSON at position N" (or, for a text that
 * stops early, "Unexpected end of JSON input" with no position at all), and a person wants the
 * file, line and column, as YAML errors have them.
 */
import { ClustermintError, type ErrorCode } from './errors.js';
import { lineAndColumn } from './text-position.js';

const positionOf = (message: string): number | undefined => {
  const at = /\bat position (\d+)/.exec(message);
  return at ? Number(at[1]) : undefined;
};

/**
 * Where JSON.parse met the token it names without a position ("Unexpected token '}', ... is not
 * valid JSON"): every prefix that ends before that token fails only for ending early (or parses),
 * every longer one fails for the token, so the offset is found by bisection in log2(n) parses.
 * Only on the error path.
 */
function unexpectedTokenOffset(text: string): number {
  const endsEarly = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return true;
    } catch (e) {
      const message = (e as Error).message;
      return /end of JSON input/.test(message) || positionOf(message) === length;
    }
  };
  let lo = 0; // endsEarly(lo)
  let hi = text.length; // !endsEarly(hi)
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (endsEarly(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The error JSON.parse threw for `text`, as `file:line:col: invalid JSON: <what>`. */
export function jsonSyntaxError(e: unknown, text: string, file: string, code: ErrorCode): ClustermintError {
  const message = (e as Error).message;
  // a text that ends too early is wrong where it ends
  const offset =
    positionOf(message) ??
    (/end of JSON input/.test(message)
      ? text.length
      : /^Unexpected token/.test(message)
        ? unexpectedTokenOffset(text)
        : undefined);
  // the position becomes line and column; V8's quote of the text is left out
  const what = message
    .replace(/, (?:\.\.\.)?"[\s\S]*" is not valid JSON$/, '')
    .replace(/ in JSON at position \d+[\s\S]*$/, '')
    .replace(/ after JSON at position \d+[\s\S]*$/, ' after the JSON value')
    .replace(/ of JSON input$/, ' of input');
  return new ClustermintError(
    code,
    `invalid JSON: ${what}`,
    offset === undefined ? { file } : { file, ...lineAndColumn(text, offset) },
  );
}
