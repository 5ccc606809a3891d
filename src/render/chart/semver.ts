/** Re-exported for the modules that read versions through the chart engine (webhook upgrades). */
export { compareSemver, parseSemver, type SemVer, semverCompare } from '../functions/semver.js';
