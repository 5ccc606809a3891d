/**
 * The JSON schemas of the kinds clustermint renders (schemas/<group>/<version>/<Kind>.json,
 * listed in schemas/index.json), compiled lazily on first use of a kind.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { BoundedCache } from '../util/bounded-cache.js';
import { PACKAGE_ROOT } from '../util/paths.js';
import { createAjv } from './ajv.js';
import { precompiledValidator } from './precompiled.js';

interface IndexEntry {
  apiVersion: string;
  kind: string;
  file: string;
}

const SCHEMA_DIR = `${PACKAGE_ROOT}schemas/`;

let index: Map<string, IndexEntry> | undefined;
// bounded by the kinds clustermint ships schemas for
const compiled = new BoundedCache<string, ValidateFunction>(1024);
/** The validators found, by apiVersion and kind (kinds with a schema only: bounded by the index). */
const byKind = new Map<string, Map<string, ValidateFunction>>();
let ajv: ReturnType<typeof createAjv> | undefined;

function loadIndex(): Map<string, IndexEntry> {
  if (!index) {
    index = new Map();
    const file = `${SCHEMA_DIR}index.json`;
    if (existsSync(file)) {
      for (const e of JSON.parse(readFileSync(file, 'utf8')) as IndexEntry[])
        index.set(`${e.apiVersion}/${e.kind}`, e);
    }
  }
  return index;
}

/** The validator of a kind, or undefined when clustermint has no schema for it. */
export function kindValidator(apiVersion: string, kind: string): ValidateFunction | undefined {
  // by apiVersion, then kind: the parsed object's own strings, whose hashes V8 keeps, instead of
  // a joined key hashed anew on every call
  const hit = byKind.get(apiVersion)?.get(kind);
  if (hit) return hit;
  const key = `${apiVersion}/${kind}`;
  const entry = loadIndex().get(key);
  if (!entry) return undefined;
  const schema = JSON.parse(readFileSync(`${SCHEMA_DIR}${entry.file.replace(/^schemas\//, '')}`, 'utf8'));
  let fn = precompiledValidator(schema);
  if (!fn) {
    ajv ??= createAjv('draft-07');
    fn = ajv.compile(schema);
  }
  compiled.set(key, fn);
  let kinds = byKind.get(apiVersion);
  if (!kinds) {
    if (byKind.size >= 256) byKind.clear();
    kinds = new Map();
    byKind.set(apiVersion, kinds);
  }
  kinds.set(kind, fn);
  return fn;
}

export function knownKinds(): IndexEntry[] {
  return [...loadIndex().values()];
}
