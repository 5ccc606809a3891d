/** A readable account of where two outputs part: the first differing line, with context. */

const CONTEXT = 3;

function show(lines: readonly string[], from: number, to: number, mark: number): string {
  const out: string[] = [];
  for (let i = Math.max(0, from); i < Math.min(lines.length, to); i++) {
    out.push(
      `${i === mark ? '>' : ' '} ${String(i + 1).padStart(5)} | ${JSON.stringify(lines[i]).slice(1, -1)}`,
    );
  }
  return out.join('\n');
}

/**
 * "line N differs" followed by a few lines around it from each side (`expected` first, named
 * helm), lines shown JSON-escaped so that trailing spaces and tabs are visible; or a note on
 * length/trailing newline when one is a prefix of the other. Empty when equal.
 */
export function firstDifference(expected: string, actual: string, names = ['helm', 'ours']): string {
  if (expected === actual) return '';
  const a = expected.split('\n');
  const b = actual.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const head =
    i >= a.length || i >= b.length
      ? `${names[0]} has ${a.length} lines, ${names[1]} ${b.length}; first ${i} agree`
      : `line ${i + 1} differs`;
  return [
    head,
    `  ${names[0]}:`,
    show(a, i - CONTEXT, i + CONTEXT + 1, i),
    `  ${names[1]}:`,
    show(b, i - CONTEXT, i + CONTEXT + 1, i),
  ].join('\n');
}

/** One line: where two outputs part and what each side has there (JSON-quoted). */
export function firstDifferenceBrief(expected: string, actual: string, names = ['helm', 'ours']): string {
  if (expected === actual) return '';
  const a = expected.split('\n');
  const b = actual.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const at = (lines: string[]) => (i < lines.length ? JSON.stringify(lines[i]) : '(end)');
  return `line ${i + 1}: ${names[0]} ${at(a)}, ${names[1]} ${at(b)}`;
}
