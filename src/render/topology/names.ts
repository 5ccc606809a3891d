/**
 * Names of the objects a topology generates (`internal/topology/names`). Upstream appends
 * `utilrand.String(5)`; clustermint derives those five characters from a hash of the cluster and
 * the object's role, so the same inputs render the same names (DESIGN.md: deterministic output)
 * while names stay unique per cluster and role.
 */
import { createHash } from 'node:crypto';
import { parseGoTemplate } from '../gotemplate/index.js';

const MAX_NAME = 63;
const RANDOM_LENGTH = 5;
const MAX_GENERATED = MAX_NAME - RANDOM_LENGTH;
// apimachinery's utilrand alphabet: no vowels, no confusable characters
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(seed: string): string {
  const h = createHash('sha256').update(seed).digest();
  let s = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) s += ALPHANUMS[h[i] % ALPHANUMS.length];
  return s;
}

/** `SimpleNameGenerator`: base (cut to 58) + 5 characters. */
export function simpleName(base: string, seed: string): string {
  return (base.length > MAX_GENERATED ? base.slice(0, MAX_GENERATED) : base) + randomSuffix(seed);
}

/**
 * A naming template (`{{ .cluster.name }}-{{ .random }}`) with missingkey=error; a result over
 * 63 characters is cut to 58 plus 5 characters. Throws with upstream's wording.
 */
export function templateName(template: string, data: Record<string, unknown>, seed: string): string {
  let tpl: ReturnType<typeof parseGoTemplate>;
  try {
    tpl = parseGoTemplate(template, { name: 'template name generator', missingKey: 'error' });
  } catch (e) {
    throw new Error(`parsing template ${JSON.stringify(template)}: ${(e as Error).message}`);
  }
  let name: string;
  try {
    name = tpl.execute({ ...data, random: randomSuffix(seed) });
  } catch (e) {
    throw new Error(`rendering template: ${(e as Error).message}`);
  }
  if (name.length > MAX_NAME) name = name.slice(0, MAX_GENERATED) + randomSuffix(`${seed}/trimmed`);
  return name;
}
