/**
 * Masterminds semver (src/go/semver-constraints.ts) as the template functions use it: the same
 * parsers, with a refusal thrown as a FunctionFailure so that each engine words it as Go does.
 */
import * as semver from '../../go/semver-constraints.js';
import { FunctionFailure } from './failure.js';

export type { ParsedVersion, SemVer } from '../../go/semver-constraints.js';
export { compareSemver, compareVersions, satisfies, versionString } from '../../go/semver-constraints.js';

function asFailure<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    try {
      return fn(...args);
    } catch (e) {
      if (e instanceof semver.SemverError) throw new FunctionFailure(e.message);
      throw e;
    }
  };
}

/** Masterminds semver v3 `NewVersion`; throws its errors as FunctionFailures. */
export const newVersion = asFailure(semver.newVersion);
export const parseConstraint = asFailure(semver.parseConstraint);
/** sprig's semverCompare: errors on an unparsable constraint, then on an unparsable version. */
export const semverCompare = asFailure(semver.semverCompare);
