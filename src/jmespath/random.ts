/**
 * `random(pattern)`: a random string matching a regular expression (as zach-klippenstein/goregen:
 * unbounded repetitions stop at 10). The pattern is validated with RE2 first, so syntax errors
 * carry Go's `error parsing regexp: …` text. Supported: literals, escapes, `.`, classes,
 * groups, alternation, quantifiers; anchors and word boundaries generate nothing.
 */
import { charge } from '../expression/budget.js';
import { compileRe2 } from '../go/re2.js';
import { append } from '../util/append.js';

type Node =
  | { t: 'lit'; s: string }
  | { t: 'set'; ranges: [number, number][]; neg: boolean }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; items: Node[] }
  | { t: 'rep'; node: Node; min: number; max: number };

/** crypto.randomInt, loaded on first use: node:crypto costs a cold start that rarely needs it. */
const randomInt = (max: number): number => process.getBuiltinModule('node:crypto').randomInt(max);

const MAX_REPEAT = 10;
const PRINTABLE: [number, number] = [0x20, 0x7e];
const CLASSES: Record<string, [number, number][]> = {
  d: [[48, 57]],
  w: [
    [48, 57],
    [65, 90],
    [95, 95],
    [97, 122],
  ],
  s: [
    [9, 10],
    [12, 13],
    [32, 32],
  ],
};

class Parser {
  i = 0;
  constructor(private readonly p: string) {}

  parseAlt(): Node {
    const items = [this.parseSeq()];
    while (this.p[this.i] === '|') {
      this.i++;
      items.push(this.parseSeq());
    }
    return items.length === 1 ? items[0] : { t: 'alt', items };
  }

  private parseSeq(): Node {
    const items: Node[] = [];
    while (this.i < this.p.length && this.p[this.i] !== '|' && this.p[this.i] !== ')') {
      let atom = this.parseAtom();
      atom = this.parseQuantifier(atom);
      items.push(atom);
    }
    return { t: 'seq', items };
  }

  private parseQuantifier(atom: Node): Node {
    for (;;) {
      const c = this.p[this.i];
      let min: number;
      let max: number;
      if (c === '*') [min, max] = [0, MAX_REPEAT];
      else if (c === '+') [min, max] = [1, MAX_REPEAT];
      else if (c === '?') [min, max] = [0, 1];
      else if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.p.slice(this.i));
        if (!m) return atom;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? min + MAX_REPEAT : Number(m[3]);
        this.i += m[0].length - 1;
      } else return atom;
      this.i++;
      if (this.p[this.i] === '?') this.i++;
      atom = { t: 'rep', node: atom, min, max };
    }
  }

  private escape(inClass: boolean): Node {
    const c = this.p[this.i++];
    const lower = c.toLowerCase();
    if (Object.hasOwn(CLASSES, lower)) return { t: 'set', ranges: CLASSES[lower], neg: c !== lower };
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07' };
    if (Object.hasOwn(simple, c)) return { t: 'lit', s: simple[c] };
    if (!inClass && 'bBAzZ'.includes(c)) return { t: 'lit', s: '' };
    if (c === 'x') {
      const m = /^\{([0-9a-fA-F]+)\}|^([0-9a-fA-F]{2})/.exec(this.p.slice(this.i))!;
      this.i += m[0].length;
      return { t: 'lit', s: String.fromCodePoint(Number.parseInt(m[1] ?? m[2], 16)) };
    }
    if (c === 'p' || c === 'P') {
      const m = /^\{[^}]*\}|^./.exec(this.p.slice(this.i))!;
      this.i += m[0].length;
      return { t: 'set', ranges: [[97, 122]], neg: false };
    }
    return { t: 'lit', s: c };
  }

  private parseClass(): Node {
    let neg = false;
    if (this.p[this.i] === '^') {
      neg = true;
      this.i++;
    }
    const ranges: [number, number][] = [];
    let first = true;
    while (this.i < this.p.length && (this.p[this.i] !== ']' || first)) {
      first = false;
      if (this.p.startsWith('[:', this.i)) {
        const end = this.p.indexOf(':]', this.i);
        const name = this.p.slice(this.i + 2, end).replace(/^\^/, '');
        const posix: Record<string, [number, number][]> = {
          alpha: [
            [65, 90],
            [97, 122],
          ],
          digit: [[48, 57]],
          alnum: [
            [48, 57],
            [65, 90],
            [97, 122],
          ],
          lower: [[97, 122]],
          upper: [[65, 90]],
          space: CLASSES.s,
          word: CLASSES.w,
          xdigit: [
            [48, 57],
            [65, 70],
            [97, 102],
          ],
        };
        append(ranges, posix[name] ?? [PRINTABLE]);
        this.i = end + 2;
        continue;
      }
      let lo: number;
      if (this.p[this.i] === '\\') {
        this.i++;
        const e = this.escape(true);
        if (e.t === 'set') {
          append(ranges, e.ranges);
          continue;
        }
        lo = (e as { s: string }).s.codePointAt(0) ?? 0;
      } else {
        lo = this.p.codePointAt(this.i)!;
        this.i += lo > 0xffff ? 2 : 1;
      }
      let hi = lo;
      if (this.p[this.i] === '-' && this.p[this.i + 1] !== ']' && this.i + 1 < this.p.length) {
        this.i++;
        if (this.p[this.i] === '\\') {
          this.i++;
          hi = ((this.escape(true) as { s?: string }).s ?? '').codePointAt(0) ?? lo;
        } else {
          hi = this.p.codePointAt(this.i)!;
          this.i += hi > 0xffff ? 2 : 1;
        }
      }
      ranges.push([lo, hi]);
    }
    this.i++;
    return { t: 'set', ranges, neg };
  }

  private parseAtom(): Node {
    const c = this.p[this.i++];
    switch (c) {
      case '(': {
        if (this.p[this.i] === '?') {
          const m = /^\?(P?<[^>]*>|[a-zA-Z-]*:|[a-zA-Z-]*\))/.exec(this.p.slice(this.i));
          if (m) {
            this.i += m[0].length;
            if (m[0].endsWith(')')) return { t: 'lit', s: '' };
          }
        }
        const inner = this.parseAlt();
        this.i++;
        return inner;
      }
      case '[':
        return this.parseClass();
      case '.':
        return { t: 'set', ranges: [PRINTABLE], neg: false };
      case '^':
      case '$':
        return { t: 'lit', s: '' };
      case '\\':
        return this.escape(false);
      default: {
        const cp = this.p.codePointAt(this.i - 1)!;
        if (cp > 0xffff) this.i++;
        return { t: 'lit', s: String.fromCodePoint(cp) };
      }
    }
  }
}

function pick(ranges: [number, number][], neg: boolean): string {
  if (neg) {
    const inSet = (c: number) => ranges.some(([a, b]) => c >= a && c <= b);
    const pool: number[] = [];
    for (let c = PRINTABLE[0]; c <= PRINTABLE[1]; c++) if (!inSet(c)) pool.push(c);
    return pool.length === 0 ? '' : String.fromCodePoint(pool[randomInt(pool.length)]);
  }
  const total = ranges.reduce((n, [a, b]) => n + (b - a + 1), 0);
  if (total <= 0) return '';
  let k = randomInt(total);
  for (const [a, b] of ranges) {
    if (k <= b - a) return String.fromCodePoint(a + k);
    k -= b - a + 1;
  }
  return '';
}

function generate(n: Node): string {
  switch (n.t) {
    case 'lit':
      return n.s;
    case 'set':
      return pick(n.ranges, n.neg);
    case 'seq':
      return n.items.map(generate).join('');
    case 'alt':
      return generate(n.items[randomInt(n.items.length)]);
    case 'rep': {
      const count = n.min + randomInt(Math.max(0, n.max - n.min) + 1);
      let out = '';
      // nested counts multiply (`(a{1000}){1000}`): each repetition is a step of the budget
      for (let i = 0; i < count; i++) {
        charge(1);
        out += generate(n.node);
      }
      return out;
    }
  }
}

export function randomString(pattern: string): string {
  compileRe2(pattern);
  const p = pattern.replace(/^\(\?[imsU]+\)/, '');
  return generate(new Parser(p).parseAlt());
}
