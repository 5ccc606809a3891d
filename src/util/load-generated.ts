/**
 * Loads the CommonJS modules generated at build time (dist/generated) with a V8 code cache
 * beside each one, as Node 22's module compile cache would (Node 20 has none): a cold CLI run
 * then skips parsing and compiling a few hundred KB of validator code. A cache V8 rejects (other
 * Node version or flags) is ignored and the module compiles as usual.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

function compile(file: string, cachedData?: Buffer): Script {
  return new Script(wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
}

function run(script: Script, file: string, requireFrom = file): unknown {
  const module = { exports: {} as unknown };
  script.runInThisContext()(module.exports, createRequire(requireFrom), module, file, dirname(file));
  return module.exports;
}

/** Set inside the startup snapshot (scripts/snapshot-loader.cjs): the generated modules it holds. */
interface SnapshotModules {
  loadGenerated(file: string, requireFrom?: string): unknown;
}

/** `requireFrom`: the file its `require`s resolve from (default: itself). */
export function loadGenerated(file: string, requireFrom?: string): unknown {
  const inSnapshot = (
    globalThis as { __clustermintSnapshot?: SnapshotModules }
  ).__clustermintSnapshot?.loadGenerated(file, requireFrom);
  if (inSnapshot !== undefined) return inSnapshot;
  const cacheFile = `${file}.v8cache`;
  const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  return run(compile(file, cachedData), file, requireFrom);
}

/**
 * Build step: runs the module, lets `warm` call into it so the functions a run needs are
 * compiled too, and stores V8's code cache beside it.
 */
export function writeCodeCache(file: string, warm: (exports: unknown) => void = () => {}): void {
  const script = compile(file);
  warm(run(script, file));
  writeFileSync(`${file}.v8cache`, script.createCachedData());
}

/** writeCodeCache for a warm-up that is asynchronous (the CLI's commands are). */
export async function writeCodeCacheAsync(
  file: string,
  warm: (exports: unknown) => Promise<void>,
): Promise<void> {
  const script = compile(file);
  await warm(run(script, file));
  writeFileSync(`${file}.v8cache`, script.createCachedData());
}
