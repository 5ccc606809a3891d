/**
 * npm runs only the install scripts package.json's `allowScripts` approves (npm 11 warns about the
 * rest, and later versions skip them). better-sqlite3's native build is one of them: without it
 * the embedded store cannot open. Entries are package names (what `npm install-scripts approve`
 * writes; a pinned `name@version` entry is not matched when the lockfile resolves through a mirror
 * registry), so a new dependency with an install script must be approved here, by a person.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { hasInstallScript?: boolean }>;
};

describe('package.json allowScripts', () => {
  const withScripts = Object.entries(lock.packages)
    .filter(([path, p]) => path !== '' && p.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
    .sort();

  it('approves exactly the locked packages that have install scripts', () => {
    expect(withScripts.some((s) => s === 'better-sqlite3')).toBe(true);
    expect(Object.keys(pkg.allowScripts ?? {}).sort()).toEqual(withScripts);
    expect(Object.values(pkg.allowScripts ?? {}).every((v) => v === true)).toBe(true);
  });
});
