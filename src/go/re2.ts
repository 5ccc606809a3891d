/**
 * RE2 (re2js) for every regular expression a user supplies: Go's syntax and linear time.
 * Loaded on first use; re2js is large and most runs never evaluate a pattern.
 */
import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

const require = createRequire(import.meta.url);
let engine: typeof RE2JS | undefined;

export function compileRe2(pattern: string): RE2JS {
  engine ??= (require('re2js') as { RE2JS: typeof RE2JS }).RE2JS;
  return engine.compile(pattern);
}

export type { RE2JS };
