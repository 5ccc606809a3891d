import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** ../shared beside the clone (CI lays it there). */
export const SHARED = join(import.meta.dirname, '..', '..', '..', 'shared');

/**
 * Whether shared test data is here. Without it the suite is skipped with a printed reason,
 * except under CI=true, where its absence is a failure.
 */
export function sharedAvailable(what: string): boolean {
  if (existsSync(SHARED)) return true;
  if (process.env.CI === 'true')
    throw new Error(`${what}: ${SHARED} is missing (CI must have ../shared beside the clone)`);
  console.warn(`skipping ${what}: ${SHARED} is not there`);
  return false;
}
