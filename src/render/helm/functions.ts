/** PLACEHOLDER until the helm-funcs branch lands: sprig's hermetic map plus toYaml. */
import { toYaml } from '../functions/to-yaml.js';
import { type GoFuncMap, hermeticSprigFuncs } from '../gotemplate/index.js';

export function helmFunctions(): GoFuncMap {
  return Object.assign(Object.create(null), hermeticSprigFuncs, {
    toYaml: { params: ['any'], fn: (v: unknown) => toYaml(v).replace(/\n$/, '') },
  });
}
