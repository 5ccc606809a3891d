/** blang/semver v4: Parse and ParseRange (with `x` wildcards), as semver_compare uses them. */
import { goQuote } from './json-format.js';

interface Pre {
  num?: bigint;
  str?: string;
}

export interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: Pre[];
}

export const ZERO_VERSION: Version = { major: 0n, minor: 0n, patch: 0n, pre: [] };

const NUMBERS = /^[0-9]*$/;
const ALPHANUM = /^[0-9A-Za-z-]*$/;
const MAX_U64 = (1n << 64n) - 1n;
const leadingZero = (s: string) => s.length > 1 && s[0] === '0';

function parseUint(s: string): bigint {
  if (s === '') throw new Error(`strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax`);
  const v = BigInt(s);
  if (v > MAX_U64) throw new Error(`strconv.ParseUint: parsing ${goQuote(s)}: value out of range`);
  return v;
}

function part(s: string, name: string): bigint {
  if (!NUMBERS.test(s)) throw new Error(`Invalid character(s) found in ${name} number ${goQuote(s)}`);
  if (leadingZero(s))
    throw new Error(
      `${name[0].toUpperCase()}${name.slice(1)} number must not contain leading zeroes ${goQuote(s)}`,
    );
  return parseUint(s);
}

/** semver.Parse. */
export function parseVersion(s: string): Version {
  if (s.length === 0) throw new Error('Version string empty');
  const parts = s.split('.');
  if (parts.length < 3) throw new Error('No Major.Minor.Patch elements found');
  const rest = parts.slice(2).join('.');
  const major = part(parts[0], 'major');
  const minor = part(parts[1], 'minor');
  let patchStr = rest;
  let build: string[] = [];
  let prerelease: string[] = [];
  const b = patchStr.indexOf('+');
  if (b >= 0) {
    build = patchStr.slice(b + 1).split('.');
    patchStr = patchStr.slice(0, b);
  }
  const p = patchStr.indexOf('-');
  if (p >= 0) {
    prerelease = patchStr.slice(p + 1).split('.');
    patchStr = patchStr.slice(0, p);
  }
  const patch = part(patchStr, 'patch');
  const pre: Pre[] = prerelease.map((pr) => {
    if (pr.length === 0) throw new Error('Prerelease is empty');
    if (NUMBERS.test(pr)) {
      if (leadingZero(pr))
        throw new Error(`Numeric PreRelease version must not contain leading zeroes ${goQuote(pr)}`);
      return { num: parseUint(pr) };
    }
    if (ALPHANUM.test(pr)) return { str: pr };
    throw new Error(`Invalid character(s) found in prerelease ${goQuote(pr)}`);
  });
  for (const bl of build) {
    if (bl.length === 0) throw new Error('Build meta data is empty');
    if (!ALPHANUM.test(bl)) throw new Error(`Invalid character(s) found in build meta data ${goQuote(bl)}`);
  }
  return { major, minor, patch, pre };
}

const sign = (a: bigint, b: bigint) => (a === b ? 0 : a > b ? 1 : -1);

function comparePre(a: Pre, b: Pre): number {
  if (a.num !== undefined && b.num === undefined) return -1;
  if (a.num === undefined && b.num !== undefined) return 1;
  if (a.num !== undefined && b.num !== undefined) return sign(a.num, b.num);
  return a.str === b.str ? 0 : (a.str as string) > (b.str as string) ? 1 : -1;
}

export function compareVersions(v: Version, o: Version): number {
  const c = sign(v.major, o.major) || sign(v.minor, o.minor) || sign(v.patch, o.patch);
  if (c !== 0) return c;
  if (v.pre.length === 0 && o.pre.length === 0) return 0;
  if (v.pre.length === 0) return 1;
  if (o.pre.length === 0) return -1;
  let i = 0;
  for (; i < v.pre.length && i < o.pre.length; i++) {
    const pc = comparePre(v.pre[i], o.pre[i]);
    if (pc !== 0) return pc;
  }
  if (i === v.pre.length && i === o.pre.length) return 0;
  return i === v.pre.length ? -1 : 1;
}

type Range = (v: Version) => boolean;

function splitAndTrim(s: string): string[] {
  const result: string[] = [];
  let last = 0;
  let lastChar = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === ' ' && !'><='.includes(lastChar || '#')) {
      if (last < i - 1) result.push(s.slice(last, i));
      last = i + 1;
    } else if (s[i] !== ' ') lastChar = s[i];
  }
  if (last < s.length - 1) result.push(s.slice(last));
  return result.map((r) => r.replaceAll(' ', ''));
}

function splitComparatorVersion(s: string): [string, string] {
  const i = s.search(/\p{Nd}/u);
  if (i < 0) throw new Error(`Could not get version from string: ${goQuote(s)}`);
  return [s.slice(0, i).trim(), s.slice(i)];
}

function incrementAt(v: string, idx: number): string {
  const parts = v.split('.');
  const n = Number(parts[idx]);
  if (/^[+-]?\d+$/.test(parts[idx] ?? '')) parts[idx] = String(n + 1);
  else return '';
  return parts.join('.');
}

function expandWildcards(parts: string[][]): string[][] {
  return parts.map((p) => {
    const out: string[] = [];
    for (let ap of p) {
      const [op, v] = splitComparatorVersion(ap);
      if (ap.includes('.x')) {
        const segs = v.split('.');
        const type = segs[segs.length - 1] === 'x' ? segs.length : 0;
        let flat = v.replace('.x.x', '.x').replace('.x', '.0');
        if (flat.split('.').length === 2) flat += '.0';
        let resultOp = '';
        let inc = false;
        switch (op) {
          case '>':
            resultOp = '>=';
            inc = true;
            break;
          case '>=':
            resultOp = '>=';
            break;
          case '<':
            resultOp = '<';
            break;
          case '<=':
            resultOp = '<';
            inc = true;
            break;
          case '':
          case '=':
          case '==':
            out.push(`>=${flat}`);
            resultOp = '<';
            inc = true;
            break;
          case '!=':
          case '!':
            out.push(`<${flat}`);
            resultOp = '>=';
            inc = true;
            break;
        }
        let resultVersion = '';
        if (inc) {
          if (type === 3) resultVersion = incrementAt(flat, 1);
          else if (type === 2) resultVersion = incrementAt(flat, 0);
        } else resultVersion = flat;
        ap = resultOp + resultVersion;
      }
      out.push(ap);
    }
    return out;
  });
}

const COMPARATORS: Record<string, (c: number) => boolean> = {
  '': (c) => c === 0,
  '=': (c) => c === 0,
  '==': (c) => c === 0,
  '>': (c) => c === 1,
  '>=': (c) => c >= 0,
  '<': (c) => c === -1,
  '<=': (c) => c <= 0,
  '!': (c) => c !== 0,
  '!=': (c) => c !== 0,
};

/** semver.ParseRange. */
export function parseRange(s: string): Range {
  const parts = splitAndTrim(s);
  const orParts: string[][] = [];
  let last = 0;
  parts.forEach((p, i) => {
    if (p === '||') {
      if (i === 0) throw new Error("First element in range is '||'");
      orParts.push(parts.slice(last, i));
      last = i + 1;
    }
  });
  if (last === parts.length) throw new Error("Last element in range is '||'");
  orParts.push(parts.slice(last));
  const expanded = expandWildcards(orParts);
  const ors: Range[] = expanded.map((and) => {
    const fns = and.map((ap): Range => {
      const [op, vs] = splitComparatorVersion(ap);
      const cmp = Object.hasOwn(COMPARATORS, op) ? COMPARATORS[op] : undefined;
      if (!cmp) {
        throw new Error(
          `Could not parse Range ${goQuote(ap)}: Could not parse comparator ${goQuote(op)} in ${goQuote(op + vs)}`,
        );
      }
      let v: Version;
      try {
        v = parseVersion(vs);
      } catch (e) {
        throw new Error(
          `Could not parse Range ${goQuote(ap)}: Could not parse version ${goQuote(vs)} in ${goQuote(op + vs)}: ${(e as Error).message}`,
        );
      }
      return (x) => cmp(compareVersions(x, v));
    });
    return (x) => fns.every((f) => f(x));
  });
  return (x) => ors.some((f) => f(x));
}
