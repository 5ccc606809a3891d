/**
 * The text/template lexer (a port of Go's text/template/parse/lex.go state machine): text,
 * `{{`/`}}` delimiters with `-` trim markers, comments, and the tokens inside actions.
 * Positions are UTF-16 offsets into the source; line numbers count newlines like Go's.
 */
import { goQuote } from '../../go/fmt.js';

export enum T {
  Error,
  Bool,
  Char,
  CharConstant,
  Comment,
  Complex,
  Assign,
  Declare,
  EOF,
  Field,
  Identifier,
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,
  RightDelim,
  RightParen,
  Space,
  String,
  Text,
  Variable,
  // keywords (all after Keyword)
  Keyword,
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
}

const KEYWORDS: Record<string, T> = {
  '.': T.Dot,
  block: T.Block,
  break: T.Break,
  continue: T.Continue,
  define: T.Define,
  else: T.Else,
  end: T.End,
  if: T.If,
  range: T.Range,
  nil: T.Nil,
  template: T.Template,
  with: T.With,
};

export interface Token {
  type: T;
  pos: number;
  val: string;
  line: number;
}

/** How Go prints a token in "unexpected X in Y" messages (`%q`, `%.10q...` when long). */
export function tokenString(t: Token): string {
  if (t.type === T.EOF) return 'EOF';
  if (t.type === T.Error) return t.val;
  if (t.type > T.Keyword) return `<${t.val}>`;
  if (Buffer.byteLength(t.val) > 10) return `${goQuote([...t.val].slice(0, 10).join(''))}...`;
  return goQuote(t.val);
}

const LEFT = '{{';
const RIGHT = '}}';
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const ALNUM = /^[_\p{L}\p{Nd}]$/u;
const isAlphaNumeric = (c: string | undefined) => c !== undefined && ALNUM.test(c);

function hasLeftTrimMarker(s: string, at: number): boolean {
  return s[at] === '-' && isSpace(s[at + 1]);
}
function hasRightTrimMarker(s: string, at: number): boolean {
  return isSpace(s[at]) && s[at + 1] === '-';
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}

function rightTrimLength(s: string, from: number, to: number): number {
  let i = to;
  while (i > from && isSpace(s[i - 1])) i--;
  return to - i;
}

function leftTrimLength(s: string, from: number): number {
  let i = from;
  while (i < s.length && isSpace(s[i])) i++;
  return i - from;
}

/** Lexes the whole input; the list ends with EOF or an Error token. */
export function lex(input: string, opts: { breakOK: boolean; continueOK: boolean }): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;
  let atEOF = false;

  const emit = (type: T) => {
    tokens.push({ type, pos: start, val: input.slice(start, pos), line: startLine });
    start = pos;
    startLine = line;
  };
  const ignore = () => {
    line += countNewlines(input, start, pos);
    start = pos;
    startLine = line;
  };
  const next = (): string | undefined => {
    if (pos >= input.length) {
      atEOF = true;
      return undefined;
    }
    const cp = input.codePointAt(pos)!;
    const ch = String.fromCodePoint(cp);
    pos += ch.length;
    if (ch === '\n') line++;
    return ch;
  };
  const backup = () => {
    if (!atEOF && pos > 0) {
      let w = 1;
      const c = input.charCodeAt(pos - 1);
      if (c >= 0xdc00 && c <= 0xdfff && pos >= 2) {
        const h = input.charCodeAt(pos - 2);
        if (h >= 0xd800 && h <= 0xdbff) w = 2;
      }
      pos -= w;
      if (input[pos] === '\n') line--;
    }
  };
  const peek = () => {
    const c = next();
    backup();
    return c;
  };
  const accept = (valid: string) => {
    const c = next();
    if (c !== undefined && valid.includes(c)) return true;
    backup();
    return false;
  };
  const acceptRun = (valid: string) => {
    for (;;) {
      const c = next();
      if (c === undefined || !valid.includes(c)) break;
    }
    backup();
  };
  const errorf = (msg: string): false => {
    tokens.push({ type: T.Error, pos: start, val: msg, line: startLine });
    return false;
  };
  const atRightDelim = (): [boolean, boolean] => {
    if (hasRightTrimMarker(input, pos) && input.startsWith(RIGHT, pos + 2)) return [true, true];
    if (input.startsWith(RIGHT, pos)) return [true, false];
    return [false, false];
  };
  const atTerminator = () => {
    const r = peek();
    if (isSpace(r)) return true;
    switch (r) {
      case undefined:
      case '.':
      case ',':
      case '|':
      case ':':
      case ')':
      case '(':
        return true;
    }
    return input.startsWith(RIGHT, pos);
  };
  const badChar = (r: string | undefined) => errorf(`bad character ${unicodeU(r)}`);

  const scanNumber = (): boolean => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(peek())) {
      next();
      return false;
    }
    return true;
  };

  const lexFieldOrVariable = (type: T.Field | T.Variable): boolean => {
    if (atTerminator()) {
      emit(type === T.Variable ? T.Variable : T.Dot);
      return true;
    }
    let r: string | undefined;
    for (;;) {
      r = next();
      if (!isAlphaNumeric(r)) {
        backup();
        break;
      }
    }
    if (!atTerminator()) return badChar(r);
    emit(type);
    return true;
  };

  /** Lexes one token inside an action; false on error (already emitted). */
  const insideAction = (): boolean | 'right' => {
    const [delim] = atRightDelim();
    if (delim) {
      if (parenDepth === 0) return 'right';
      return errorf('unclosed left paren');
    }
    const r = next();
    if (r === undefined) return errorf('unclosed action');
    if (isSpace(r)) {
      backup();
      let numSpaces = 0;
      while (isSpace(peek())) {
        next();
        numSpaces++;
      }
      if (hasRightTrimMarker(input, pos - 1) && input.startsWith(RIGHT, pos - 1 + 2)) {
        backup();
        if (numSpaces === 1) return 'right';
      }
      emit(T.Space);
      return true;
    }
    switch (r) {
      case '=':
        emit(T.Assign);
        return true;
      case ':':
        if (next() !== '=') return errorf('expected :=');
        emit(T.Declare);
        return true;
      case '|':
        emit(T.Pipe);
        return true;
      case '"':
        for (;;) {
          const c = next();
          if (c === '\\') {
            const d = next();
            if (d !== undefined && d !== '\n') continue;
            return errorf('unterminated quoted string');
          }
          if (c === undefined || c === '\n') return errorf('unterminated quoted string');
          if (c === '"') break;
        }
        emit(T.String);
        return true;
      case '`':
        for (;;) {
          const c = next();
          if (c === undefined) return errorf('unterminated raw quoted string');
          if (c === '`') break;
        }
        emit(T.RawString);
        return true;
      case '$':
        if (atTerminator()) {
          emit(T.Variable);
          return true;
        }
        return lexFieldOrVariable(T.Variable);
      case "'":
        for (;;) {
          const c = next();
          if (c === '\\') {
            const d = next();
            if (d !== undefined && d !== '\n') continue;
            return errorf('unterminated character constant');
          }
          if (c === undefined || c === '\n') return errorf('unterminated character constant');
          if (c === "'") break;
        }
        emit(T.CharConstant);
        return true;
      case '(':
        parenDepth++;
        emit(T.LeftParen);
        return true;
      case ')':
        parenDepth--;
        if (parenDepth < 0) return errorf('unexpected right paren');
        emit(T.RightParen);
        return true;
    }
    if (r === '.' && pos < input.length) {
      const c = input[pos];
      if (c < '0' || c > '9') return lexFieldOrVariable(T.Field);
    }
    if (r === '.' || r === '+' || r === '-' || (r >= '0' && r <= '9')) {
      backup();
      if (!scanNumber()) return errorf(`bad number syntax: ${goQuote(input.slice(start, pos))}`);
      const sign = peek();
      if (sign === '+' || sign === '-') {
        if (!scanNumber() || input[pos - 1] !== 'i') {
          return errorf(`bad number syntax: ${goQuote(input.slice(start, pos))}`);
        }
        emit(T.Complex);
        return true;
      }
      emit(T.Number);
      return true;
    }
    if (isAlphaNumeric(r)) {
      backup();
      let c: string | undefined;
      for (;;) {
        c = next();
        if (!isAlphaNumeric(c)) break;
      }
      backup();
      const word = input.slice(start, pos);
      if (!atTerminator()) return badChar(c);
      const kw = KEYWORDS[word];
      if (kw !== undefined && Object.hasOwn(KEYWORDS, word)) {
        if ((kw === T.Break && !opts.breakOK) || (kw === T.Continue && !opts.continueOK)) emit(T.Identifier);
        else emit(kw);
      } else if (word === 'true' || word === 'false') emit(T.Bool);
      else emit(T.Identifier);
      return true;
    }
    const cp = r.codePointAt(0)!;
    if (cp <= 0x7f && cp >= 0x20 && cp !== 0x7f) {
      emit(T.Char);
      return true;
    }
    return errorf(`unrecognized character in action: ${unicodeU(r)}`);
  };

  const lexRightDelim = () => {
    const [, trim] = atRightDelim();
    if (trim) {
      pos += 2;
      ignore();
    }
    pos += RIGHT.length;
    emit(T.RightDelim);
    if (trim) {
      pos += leftTrimLength(input, pos);
      ignore();
    }
  };

  // Main loop: alternate between text and actions.
  for (;;) {
    // lexText
    const x = input.indexOf(LEFT, pos);
    if (x < 0) {
      pos = input.length;
      if (pos > start) {
        line += countNewlines(input, start, pos);
        emit(T.Text);
      }
      emit(T.EOF);
      return tokens;
    }
    if (x > pos) {
      pos = x;
      let trimLength = 0;
      const delimEnd = pos + LEFT.length;
      if (hasLeftTrimMarker(input, delimEnd)) trimLength = rightTrimLength(input, start, pos);
      pos -= trimLength;
      line += countNewlines(input, start, pos);
      const textStart = start;
      const textLine = startLine;
      const text = input.slice(start, pos);
      start = pos;
      startLine = line;
      pos += trimLength;
      ignore();
      if (text.length > 0) tokens.push({ type: T.Text, pos: textStart, val: text, line: textLine });
    } else {
      pos = x;
    }
    // lexLeftDelim
    pos += LEFT.length;
    const trimSpace = hasLeftTrimMarker(input, pos);
    const afterMarker = trimSpace ? 2 : 0;
    if (input.startsWith(LEFT_COMMENT, pos + afterMarker)) {
      pos += afterMarker;
      ignore();
      // lexComment
      pos += LEFT_COMMENT.length;
      const end = input.indexOf(RIGHT_COMMENT, pos);
      if (end < 0) {
        errorf('unclosed comment');
        return tokens;
      }
      pos = end + RIGHT_COMMENT.length;
      const [delim, trim] = atRightDelim();
      if (!delim) {
        errorf('comment ends before closing delimiter');
        return tokens;
      }
      line += countNewlines(input, start, pos);
      start = pos;
      startLine = line;
      if (trim) pos += 2;
      pos += RIGHT.length;
      if (trim) pos += leftTrimLength(input, pos);
      ignore();
      continue;
    }
    emit(T.LeftDelim);
    pos += afterMarker;
    ignore();
    parenDepth = 0;
    // inside the action
    for (;;) {
      const r = insideAction();
      if (r === false) return tokens;
      if (r === 'right') {
        lexRightDelim();
        break;
      }
    }
  }
}

/** Go's `%#U`: `U+0023 '#'`. */
export function unicodeU(r: string | undefined): string {
  if (r === undefined) return 'U+FFFFFFFFFFFFFFFF';
  const cp = r.codePointAt(0)!;
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  return /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(r) ? `U+${hex} '${r}'` : `U+${hex}`;
}
