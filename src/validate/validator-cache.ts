/**
 * Compiled values validators of charts that do not ship with clustermint (a Helm chart from a
 * folder, a repository or a registry), kept on disk as ajv standalone code under
 * `${CLUSTERMINT_CACHE:-~/.cache/clustermint}/validators/<version>/<schema sha256>.cjs`: compiling
 * a schema costs most of a cold `clustermint template`, so the next process loads the code
 * instead, as the built-in charts' precompiled validators are loaded. Writing is best effort (a
 * read-only cache just compiles every time); a file is written whole, by rename, or not at all.
 * The path holds ajv's version and this module's format number (bump it when what the generated
 * code requires changes), so code from another ajv or layout is never loaded.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Ajv, ValidateFunction } from 'ajv';
import { loadGenerated } from '../util/load-generated.js';
import { cacheRoot, GENERATED_DIR } from '../util/paths.js';
import { createAjv, dialectOf } from './ajv.js';

// ajv is loaded only when a schema has to be compiled (see ajv.ts)
const require = createRequire(import.meta.url);
const FORMAT = 1;

/** Generated modules `require` as the build's own validators do (ajv, ajv-formats, RE2). */
const REQUIRE_FROM = `${GENERATED_DIR}validators/cache.cjs`;
const RE2_CODE = 'require("../re2-regexp.cjs").re2RegExp';

function cacheDir(): string {
  const ajvVersion = (require('ajv/package.json') as { version: string }).version;
  return join(cacheRoot(), 'validators', `ajv${ajvVersion}-f${FORMAT}`);
}

/** The validator stored for a schema, if one is there and loads. */
export function cachedValidator(key: string): ValidateFunction | undefined {
  const file = join(cacheDir(), `${key}.cjs`);
  if (!existsSync(file) || !existsSync(`${GENERATED_DIR}re2-regexp.cjs`)) return undefined;
  try {
    const mod = loadGenerated(file, REQUIRE_FROM) as ValidateFunction & { default?: ValidateFunction };
    return mod.default ?? mod;
  } catch {
    return undefined; // a damaged entry: compile again
  }
}

/** Compiles a schema to a validator and stores its code for the next process. Throws what ajv throws. */
export function compileAndStore(schema: object, key: string): ValidateFunction {
  if (!existsSync(`${GENERATED_DIR}re2-regexp.cjs`)) return createAjv(dialectOf(schema)).compile(schema);
  const ajv = createAjv(dialectOf(schema), RE2_CODE);
  const validate = ajv.compile(schema);
  try {
    const dir = cacheDir();
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `.${key}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      const standalone = require('ajv/dist/standalone').default as (a: Ajv, v: ValidateFunction) => string;
      writeFileSync(tmp, standalone(ajv, validate));
      renameSync(tmp, join(dir, `${key}.cjs`));
    } finally {
      rmSync(tmp, { force: true });
    }
  } catch {
    // best effort: the validator works without its copy on disk
  }
  return validate;
}
