/**
 * Semantic versions and constraints as Masterminds semver v3.3.0 reads them (sprig's semver and
 * semverCompare, Helm's chart and dependency versions, k0rdent's ServiceTemplate k8sConstraint):
 * versions as `NewVersion` parses them (`v` prefix, missing minor and patch as 0, leading zeros
 * allowed in numbers but not in numeric pre-release parts, its error texts);
 * constraints with `x X *`, operators `= != > < >= <= ~ ~> ^`, `,` or space for AND, `||` for OR,
 * `A - B` ranges; a pre-release matches only a constraint that has one.
 * Hand-written: the npm `semver` package has different rules for missing parts and prereleases.
 */

/** A version or constraint Masterminds semver refuses, with its error text. */
export class SemverError extends Error {
  override name = 'SemverError';
}

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: string;
}

/** A version as `NewVersion` parsed it: exact parts, build metadata and the text it came from. */
export interface ParsedVersion extends SemVer {
  /** The parts as Go's uint64 (major/minor/patch above are their numbers, for comparisons). */
  parts: [bigint, bigint, bigint];
  metadata: string;
  original: string;
}

// Masterminds' semVerRegex, anchored as NewVersion uses it
const LOOSE_VERSION =
  /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;
const UINT64_MAX = (1n << 64n) - 1n;

/** Go's strconv.ParseUint(s, 10, 64) of a string of digits, with NewVersion's error wrapping. */
function parseSegment(digits: string): bigint {
  const n = BigInt(digits);
  if (n > UINT64_MAX)
    throw new SemverError(
      `Error parsing version segment: strconv.ParseUint: parsing ${JSON.stringify(digits)}: value out of range`,
    );
  return n;
}

/** Masterminds semver v3 `NewVersion`; throws its errors. */
export function newVersion(v: string): ParsedVersion {
  const m = LOOSE_VERSION.exec(v);
  if (!m) throw new SemverError('Invalid Semantic Version');
  const parts: [bigint, bigint, bigint] = [
    parseSegment(m[1]),
    m[2] ? parseSegment(m[2].slice(1)) : 0n,
    m[3] ? parseSegment(m[3].slice(1)) : 0n,
  ];
  const prerelease = m[5] ?? '';
  // validatePrerelease: a numeric part must not start with 0 (the regex checked the characters)
  if (prerelease.split('.').some((p) => /^0[0-9]+$/.test(p)))
    throw new SemverError('Version segment starts with 0');
  return {
    major: Number(parts[0]),
    minor: Number(parts[1]),
    patch: Number(parts[2]),
    parts,
    prerelease,
    metadata: m[8] ?? '',
    original: v,
  };
}

/** `Version.String()`: no `v`, pre-release and metadata as parsed. */
export function versionString(v: ParsedVersion): string {
  const [a, b, c] = v.parts;
  return `${a}.${b}.${c}${v.prerelease ? `-${v.prerelease}` : ''}${v.metadata ? `+${v.metadata}` : ''}`;
}

/** `Version.Compare`: -1, 0 or 1; metadata ignored; a pre-release sorts before its release. */
export function compareVersions(a: ParsedVersion, b: ParsedVersion): number {
  for (let i = 0; i < 3; i++) if (a.parts[i] !== b.parts[i]) return a.parts[i] < b.parts[i] ? -1 : 1;
  return comparePrerelease(a.prerelease, b.prerelease);
}

export function compareSemver(a: SemVer, b: SemVer): number {
  if (a.major !== b.major) return a.major < b.major ? -1 : 1;
  if (a.minor !== b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch !== b.patch) return a.patch < b.patch ? -1 : 1;
  return comparePrerelease(a.prerelease, b.prerelease);
}

function comparePrerelease(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if (i >= pa.length) return -1;
    if (i >= pb.length) return 1;
    const na = /^\d+$/.test(pa[i]);
    const nb = /^\d+$/.test(pb[i]);
    if (na && nb) {
      const d = Number(pa[i]) - Number(pb[i]);
      if (d !== 0) return d < 0 ? -1 : 1;
    } else if (na !== nb) return na ? -1 : 1;
    else if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  }
  return 0;
}

interface Bound {
  op: '>=' | '>' | '<' | '<=' | '=' | '!=';
  v: SemVer;
}
/** A conjunction of bounds; `hasPrerelease` lets pre-release versions match. */
interface Group {
  bounds: Bound[];
  hasPrerelease: boolean;
  notRanges: Array<[SemVer, SemVer]>;
}

const TERM =
  /^(=|!=|>=|=>|<=|=<|>|<|~>|~|\^)?\s*v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseConstraint(input: string): Group[] {
  const groups: Group[] = [];
  for (const alt of input.split('||')) {
    const group: Group = { bounds: [], hasPrerelease: false, notRanges: [] };
    // "1.2 - 1.4" ranges first, then split the rest at commas / spaces.
    const text = alt.trim().replace(/(\S+)\s+-\s+(\S+)/g, '>=$1,<=$2');
    const terms = text
      .replace(/(=|!=|>=|=>|<=|=<|>|<|~>|~|\^)\s+/g, '$1')
      .split(/[\s,]+/)
      .filter(Boolean);
    if (terms.length === 0) throw new SemverError(`improper constraint: ${input}`);
    for (const term of terms) addTerm(group, term, input);
    groups.push(group);
  }
  return groups;
}

function addTerm(group: Group, term: string, input: string): void {
  const m = TERM.exec(term);
  if (!m) throw new SemverError(`improper constraint: ${input}`);
  const op = m[1] ?? '=';
  const wild = (s: string | undefined) => s === undefined || /^[xX*]$/.test(s);
  const major = wild(m[2]) ? -1 : Number(m[2]);
  const minor = major < 0 || wild(m[3]) ? -1 : Number(m[3]);
  const patch = minor < 0 || wild(m[4]) ? -1 : Number(m[4]);
  const pre = m[5] ?? '';
  if (pre) group.hasPrerelease = true;
  const v = (a: number, b: number, c: number, p = ''): SemVer => ({
    major: a,
    minor: b,
    patch: c,
    prerelease: p,
  });
  const base = v(Math.max(major, 0), Math.max(minor, 0), Math.max(patch, 0), pre);
  // the first version past the wildcard range, e.g. 1.2.x -> 1.3.0
  const next =
    major < 0 ? undefined : minor < 0 ? v(major + 1, 0, 0) : patch < 0 ? v(major, minor + 1, 0) : undefined;
  const push = (o: Bound['op'], x: SemVer) => group.bounds.push({ op: o, v: x });
  switch (op) {
    case '=':
      if (major < 0) return;
      if (next) {
        push('>=', base);
        push('<', next);
      } else push('=', base);
      return;
    case '!=':
      if (major < 0) {
        push('<', v(0, 0, 0)); // != * matches nothing
        return;
      }
      if (next) group.notRanges.push([base, next]);
      else push('!=', base);
      return;
    case '>':
      if (major < 0) push('<', v(0, 0, 0));
      else push(next ? '>=' : '>', next ?? base);
      return;
    case '>=':
    case '=>':
      push('>=', base);
      return;
    case '<':
      if (major < 0) push('<', v(0, 0, 0));
      else push('<', base);
      return;
    case '<=':
    case '=<':
      if (major < 0) return;
      if (next) push('<', next);
      else push('<=', base);
      return;
    case '~':
    case '~>':
      if (major < 0) return;
      push('>=', base);
      push('<', minor < 0 ? v(major + 1, 0, 0) : v(major, minor + 1, 0));
      return;
    case '^':
      if (major < 0) return;
      push('>=', base);
      if (major > 0 || minor < 0) push('<', v(major + 1, 0, 0));
      else if (minor > 0 || patch < 0) push('<', v(0, minor + 1, 0));
      else push('<', v(0, 0, patch + 1));
      return;
  }
}

export function satisfies(version: SemVer, groups: Group[]): boolean {
  return groups.some((g) => {
    if (version.prerelease && !g.hasPrerelease) return false;
    for (const b of g.bounds) {
      const c = compareSemver(version, b.v);
      const ok =
        b.op === '>='
          ? c >= 0
          : b.op === '>'
            ? c > 0
            : b.op === '<'
              ? c < 0
              : b.op === '<='
                ? c <= 0
                : b.op === '='
                  ? c === 0
                  : c !== 0;
      if (!ok) return false;
    }
    for (const [lo, hi] of g.notRanges)
      if (compareSemver(version, lo) >= 0 && compareSemver(version, hi) < 0) return false;
    return true;
  });
}

/** sprig's semverCompare: errors on an unparsable constraint, then on an unparsable version. */
export function semverCompare(constraint: string, version: string): boolean {
  const groups = parseConstraint(constraint);
  return satisfies(newVersion(version), groups);
}
