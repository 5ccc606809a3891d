/** Re-exported for the values cache, which marks the trees that toYaml may remember. */
export { markImmutable, toYaml } from '../functions/to-yaml.js';
