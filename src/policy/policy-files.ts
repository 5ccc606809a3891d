/**
 * Policies for the gate (`check`, webhook, controller): read from files or folders, and checked
 * strictly before anything runs: a rule that does not compile (bad JMESPath or CEL, unknown
 * function, wrong arity, foreach on a value...) is reported with its file, line and rule name,
 * where `scan` (like kyverno-json) would only report an ERROR per resource.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ClustermintError } from '../util/errors.js';
import { readTextFile } from '../util/read-text-file.js';
import { compilePolicy } from './engine.js';
import { type LoadedPolicy, PolicyLoadError, parsePolicies } from './load.js';

/**
 * The policy files under a path: a folder is walked recursively in name order and only its
 * .yaml/.yml files are read (as kyverno-json walks it). A file named directly is read whatever
 * its extension, unless `yamlOnly` (kyverno-json's `scan` skips it then).
 */
export function policyFilePaths(path: string, yamlOnly = false): string[] {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    throw new ClustermintError('UNREADABLE', 'no such file or folder', { file: path });
  }
  if (!st.isDirectory()) return !yamlOnly || /\.ya?ml$/i.test(path) ? [path] : [];
  return readdirSync(path)
    .sort()
    .flatMap((n) => {
      const p = join(path, n);
      return statSync(p).isDirectory() || /\.ya?ml$/i.test(n) ? policyFilePaths(p, yamlOnly) : [];
    });
}

/** Loads and compiles every policy under the paths; throws on the first broken one. */
export function loadPolicyFiles(paths: readonly string[]): LoadedPolicy[] {
  const out: LoadedPolicy[] = [];
  for (const file of paths.flatMap((p) => policyFilePaths(p))) {
    let loaded: LoadedPolicy[];
    try {
      loaded = parsePolicies(readTextFile(file), file);
    } catch (e) {
      if (e instanceof PolicyLoadError)
        throw new ClustermintError('INVALID_SUBMISSION', `invalid policy: ${e.message}`, e.location);
      throw e;
    }
    for (const p of loaded) {
      for (const rule of compilePolicy(p.raw).rules) {
        if (!rule.compileError) continue;
        const fe = rule.compileError.fieldError;
        const pos = p.doc.locate(fe.segments, true);
        throw new ClustermintError(
          'INVALID_SUBMISSION',
          `invalid policy ${JSON.stringify((p.raw.metadata as { name?: string })?.name ?? '')}, rule ${JSON.stringify(rule.name)}: ${rule.compileError.message}`,
          { file, line: pos?.line, col: pos?.col },
        );
      }
      out.push(p);
    }
  }
  return out;
}
