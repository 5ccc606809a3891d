/**
 * Validators compiled at build time (scripts/precompile-validators.js) for the schemas that ship
 * with clustermint: every kind in schemas/ and every built-in chart's values.schema.json.
 * Compiling them at run time cost most of a cold `clustermint template`. They are found by the
 * SHA-256 of the schema's JSON, so an edited schema simply falls back to run-time compiling.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { loadGenerated } from '../util/load-generated.js';
import { GENERATED_DIR } from '../util/paths.js';

export const PRECOMPILED_DIR = `${GENERATED_DIR}validators/`;

export function schemaKey(schema: object): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}

export function precompiledValidator(schema: object): ValidateFunction | undefined {
  const file = `${PRECOMPILED_DIR}${schemaKey(schema)}.cjs`;
  if (!existsSync(file)) return undefined;
  const mod = loadGenerated(file) as ValidateFunction & { default?: ValidateFunction };
  return mod.default ?? mod;
}
