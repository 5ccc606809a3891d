/**
 * What sprig's `semver` returns: a Masterminds semver v3 `*semver.Version`, with the methods a
 * template can call on it. Go's method sets decide what is callable: the pointer has every method;
 * the `semver.Version` values that IncMajor, IncMinor, IncPatch, SetPrerelease and SetMetadata
 * return have only the value-receiver ones (Original, Compare, LessThan and the other comparisons
 * take a pointer receiver: `can't evaluate field Original in type semver.Version`). Both print as
 * `String()` (no `v`), as fmt does with a Stringer.
 */
import { compareVersions, newVersion, type ParsedVersion, versionString } from '../functions/semver.js';
import { type GoFunc, GoFuncError, GoInt, GoObject } from './values.js';

const NIL_DEREF = 'runtime error: invalid memory address or nil pointer dereference';
const POINTER = '*semver.Version';

const method = (params: GoFunc['params'], fn: GoFunc['fn']): GoFunc => ({ params, fn });
const uint64 = (n: bigint) => new GoInt('uint64', n);

/** `v.originalVPrefix()`: the `v` the parsed text started with, kept by the Inc and Set methods. */
const vPrefix = (v: ParsedVersion) => (v.original.startsWith('v') ? 'v' : '');

function derived(v: ParsedVersion, change: Partial<ParsedVersion>): ParsedVersion {
  const next: ParsedVersion = { ...v, ...change };
  next.major = Number(next.parts[0]);
  next.minor = Number(next.parts[1]);
  next.patch = Number(next.parts[2]);
  next.original = vPrefix(v) + versionString(next);
  return next;
}

const ALLOWED = /^[0-9A-Za-z-]*$/;

/** `validatePrerelease`: dot-separated parts; a numeric one must not start with 0. */
function validatePrerelease(p: string): void {
  for (const part of p.split('.')) {
    if (/^[0-9]*$/.test(part)) {
      if (part.length > 1 && part[0] === '0') throw new GoFuncError('Version segment starts with 0');
    } else if (!ALLOWED.test(part)) throw new GoFuncError('Invalid Prerelease string');
  }
}

/** `validateMetadata`: dot-separated parts of alphanumerics and `-`. */
function validateMetadata(m: string): void {
  if (m.split('.').some((part) => !ALLOWED.test(part))) throw new GoFuncError('Invalid Metadata string');
}

function valueMethods(v: ParsedVersion): Record<string, GoFunc> {
  return {
    String: method([], () => versionString(v)),
    Major: method([], () => uint64(v.parts[0])),
    Minor: method([], () => uint64(v.parts[1])),
    Patch: method([], () => uint64(v.parts[2])),
    Prerelease: method([], () => v.prerelease),
    Metadata: method([], () => v.metadata),
    IncPatch: method(
      [],
      () =>
        new SemverValue(
          v.prerelease
            ? derived(v, { prerelease: '', metadata: '' })
            : derived(v, { prerelease: '', metadata: '', parts: [v.parts[0], v.parts[1], v.parts[2] + 1n] }),
        ),
    ),
    IncMinor: method(
      [],
      () =>
        new SemverValue(
          derived(v, { prerelease: '', metadata: '', parts: [v.parts[0], v.parts[1] + 1n, 0n] }),
        ),
    ),
    IncMajor: method(
      [],
      () => new SemverValue(derived(v, { prerelease: '', metadata: '', parts: [v.parts[0] + 1n, 0n, 0n] })),
    ),
    SetPrerelease: method(['string'], (p: string) => {
      if (p) validatePrerelease(p);
      return new SemverValue(derived(v, { prerelease: p }));
    }),
    SetMetadata: method(['string'], (m: string) => {
      if (m) validateMetadata(m);
      return new SemverValue(derived(v, { metadata: m }));
    }),
  };
}

/** The other version of a comparison method: a nil pointer is Go's nil dereference. */
function other(o: SemverPointer | null): ParsedVersion {
  if (o === null) throw new GoFuncError(NIL_DEREF);
  return o.version;
}

/** `*semver.Version`. */
export class SemverPointer extends GoObject {
  readonly goType = POINTER;
  constructor(readonly version: ParsedVersion) {
    super();
  }
  methods(): Record<string, GoFunc> {
    const v = this.version;
    const cmp = (o: SemverPointer | null) => compareVersions(v, other(o));
    return {
      ...valueMethods(v),
      Original: method([], () => v.original),
      Compare: method([POINTER], (o: SemverPointer | null) => new GoInt('int', BigInt(cmp(o)))),
      LessThan: method([POINTER], (o: SemverPointer | null) => cmp(o) < 0),
      LessThanEqual: method([POINTER], (o: SemverPointer | null) => cmp(o) <= 0),
      GreaterThan: method([POINTER], (o: SemverPointer | null) => cmp(o) > 0),
      GreaterThanEqual: method([POINTER], (o: SemverPointer | null) => cmp(o) >= 0),
      // Equal checks for nil (and the same pointer) before comparing
      Equal: method([POINTER], (o: SemverPointer | null) => o === this || (o !== null && cmp(o) === 0)),
    };
  }
  toString(): string {
    return versionString(this.version);
  }
}

/** `semver.Version`, as the Inc and Set methods return it. */
export class SemverValue extends GoObject {
  readonly goType = 'semver.Version';
  constructor(readonly version: ParsedVersion) {
    super();
  }
  methods(): Record<string, GoFunc> {
    return valueMethods(this.version);
  }
  toString(): string {
    return versionString(this.version);
  }
}

/** sprig's `semver`. */
export function semverFunction(version: string): SemverPointer {
  return new SemverPointer(newVersion(version));
}
