/**
 * RE2 (re2js) for every regular expression a user supplies: Go's syntax and linear time.
 * Loaded on first use; re2js is large and most runs never evaluate a pattern.
 */
import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';
import { BoundedCache } from '../util/bounded-cache.js';

const require = createRequire(import.meta.url);
let engine: typeof RE2JS | undefined;

export function compileRe2(pattern: string): RE2JS {
  engine ??= (require('re2js') as { RE2JS: typeof RE2JS }).RE2JS;
  return engine.compile(pattern);
}

/** Compiled patterns shared by every caller (policies, schemas, CEL, templates). */
const compiled = new BoundedCache<string, RE2JS>(2048);

/**
 * A compiled pattern, reused: the same literal pattern runs for every resource of every review.
 * A pattern that does not compile throws each time (never cached).
 */
export function cachedRe2(pattern: string): RE2JS {
  return compiled.getOrCreate(pattern, () => compileRe2(pattern));
}

export type { RE2JS };
