/**
 * Names of the objects a topology generates (`internal/topology/names`). Upstream appends
 * `utilrand.String(5)`; clustermint derives those five characters from a hash of the cluster and
 * the object's role, so the same inputs render the same names (DESIGN.md: deterministic output)
 * while names stay unique per cluster and role.
 */

import { BoundedCache } from '../../util/bounded-cache.js';
import { parseGoTemplate } from '../gotemplate/index.js';

const MAX_NAME = 63;
const RANDOM_LENGTH = 5;
const MAX_GENERATED = MAX_NAME - RANDOM_LENGTH;
// apimachinery's utilrand alphabet: no vowels, no confusable characters
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * Five characters from a 64-bit FNV-1a hash of the seed: stable, cheap, no crypto needed. The
 * 64-bit arithmetic runs on two 32-bit halves in plain numbers (every intermediate stays below
 * 2^53): BigInt allocates on every step and was a tenth of the desired-state time.
 */
export function randomSuffix(seed: string): string {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < seed.length; i++) {
    lo = (lo ^ seed.charCodeAt(i)) >>> 0;
    // h * 0x100000001b3 = h * 0x1b3 + (h << 40), modulo 2^64
    const low = lo * 0x1b3;
    hi = (hi * 0x1b3 + Math.floor(low / 0x100000000) + lo * 256) >>> 0;
    lo = low >>> 0;
  }
  let s = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) {
    // (hi, lo) divided by 27: the remainder picks the character, the quotient goes on
    const rHi = hi % 27;
    hi = (hi - rHi) / 27;
    const rest = rHi * 0x100000000 + lo;
    const r = rest % 27;
    lo = (rest - r) / 27;
    s += ALPHANUMS[r];
  }
  return s;
}

// Parsed naming templates by text: a class's templates name every cluster's objects.
const parsedNames = new BoundedCache<string, ReturnType<typeof parseGoTemplate>>(1000);

/** `SimpleNameGenerator`: base (cut to 58) + 5 characters. */
export function simpleName(base: string, seed: string): string {
  return (base.length > MAX_GENERATED ? base.slice(0, MAX_GENERATED) : base) + randomSuffix(seed);
}

/**
 * A naming template (`{{ .cluster.name }}-{{ .random }}`) with missingkey=error; a result over
 * 63 characters is cut to 58 plus 5 characters. Throws with upstream's wording.
 */
export function templateName(template: string, data: Record<string, unknown>, seed: string): string {
  let tpl = parsedNames.get(template);
  try {
    if (!tpl) {
      tpl = parseGoTemplate(template, { name: 'template name generator', missingKey: 'error' });
      parsedNames.set(template, tpl);
    }
  } catch (e) {
    throw new Error(`parsing template ${JSON.stringify(template)}: ${(e as Error).message}`);
  }
  let name: string;
  try {
    name = (tpl as NonNullable<typeof tpl>).execute({ ...data, random: randomSuffix(seed) });
  } catch (e) {
    throw new Error(`rendering template: ${(e as Error).message}`);
  }
  if (name.length > MAX_NAME) name = name.slice(0, MAX_GENERATED) + randomSuffix(`${seed}/trimmed`);
  return name;
}
