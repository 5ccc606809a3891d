import { TerminalProviderError } from './errors.js';

/** A Kubernetes version with an optional distribution suffix (k0s: `+k0s.N`, k0smotron: `-k0s.N`). */
export interface ParsedVersion {
  major: number;
  minor: number;
  patch: number;
  /** `v1.33.4` */
  kubernetes: string;
  /** The k0s build number when the version names one (`v1.33.4+k0s.2` -> 2). */
  k0sBuild?: number;
}

const VERSION = /^v?(\d{1,4})\.(\d{1,4})\.(\d{1,4})(?:[+-]k0s\.(\d{1,4}))?$/;

export function parseVersion(text: string, what = 'version'): ParsedVersion {
  const m = VERSION.exec(text.trim());
  if (!m) {
    throw new TerminalProviderError(
      'InvalidVersion',
      `${what} "${text}" is not a Kubernetes version such as v1.33.4 or v1.33.4+k0s.0`,
    );
  }
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const out: ParsedVersion = { major, minor, patch, kubernetes: `v${major}.${minor}.${patch}` };
  if (m[4] !== undefined) out.k0sBuild = Number(m[4]);
  return out;
}

/** The k0s release for a Kubernetes version: the named build when it matches, else `+k0s.0`. */
export function k0sVersionFor(version: string, distributionVersion?: string): string {
  const v = parseVersion(version);
  if (distributionVersion) {
    const d = parseVersion(distributionVersion, 'k0s version');
    if (d.kubernetes === v.kubernetes && d.k0sBuild !== undefined) return `${d.kubernetes}+k0s.${d.k0sBuild}`;
  }
  return `${v.kubernetes}+k0s.${v.k0sBuild ?? 0}`;
}

export function compareVersions(a: ParsedVersion, b: ParsedVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}
