/** Where an offset of a text is, as people (and editors) count: 1-based lines and columns. */

/** 1-based line and column of a UTF-16 offset in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}
