/** Field path text (`spec.topology.workers.machineDeployments[md-1].variables.overrides`) as a FieldPath. */
import { child, type FieldPath, key } from '../../../k8s/field.js';

export function parsePath(text: string): FieldPath {
  let p: FieldPath;
  let i = 0;
  while (i < text.length) {
    if (text[i] === '.') i++;
    if (text[i] === '[') {
      const end = text.indexOf(']', i);
      const k = text.slice(i + 1, end < 0 ? text.length : end);
      p = key(p, k);
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    let j = i;
    while (j < text.length && text[j] !== '.' && text[j] !== '[') j++;
    p = child(p, text.slice(i, j));
    i = j;
  }
  return p;
}
