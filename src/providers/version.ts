/**
 * Version parsing for the providers: the domain's parser, with a provider error that ends the
 * reconcile of a version the provider cannot install.
 */
import { type ParsedVersion, tryParseVersion } from '../domain/kubernetes-version.js';
import { TerminalProviderError } from './errors.js';

export { compareVersions, type ParsedVersion } from '../domain/kubernetes-version.js';

export function parseVersion(text: string, what = 'version'): ParsedVersion {
  const v = tryParseVersion(text);
  if (!v) {
    throw new TerminalProviderError(
      'InvalidVersion',
      `${what} "${text}" is not a Kubernetes version such as v1.33.4 or v1.33.4+k0s.0`,
    );
  }
  return v;
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
