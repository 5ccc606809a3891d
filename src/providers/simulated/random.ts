import { createHash } from 'node:crypto';

/**
 * A number in [0, 1) from a hash of its parts: the simulation's only source of randomness, so
 * the same seed, ids and times give the same faults on every run (no Math.random).
 */
export function unitHash(...parts: (string | number)[]): number {
  const h = createHash('sha256').update(JSON.stringify(parts)).digest();
  return h.readUIntBE(0, 6) / 2 ** 48;
}

export function hexHash(length: number, ...parts: (string | number)[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, length);
}

/** An integer in [0, n). */
export function intHash(n: number, ...parts: (string | number)[]): number {
  return Math.floor(unitHash(...parts) * n);
}
