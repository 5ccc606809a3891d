/**
 * The install scripts' own flow, run for real against an empty cache directory with a stand-in
 * `go` (test/scripts/fake-go/go) first on PATH: pins, caching, locking, failure paths and the
 * one-line result protocol are exercised in milliseconds, without building anything real.
 * (The real builds run in .ci/run; this catches the faults that only show on an empty cache.)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const FAKE_GO_DIR = join(import.meta.dirname, 'fake-go');
// The system tools the scripts use (bash, awk, flock, sha256sum, nice, mktemp, ...) and no real Go.
const SYSTEM_PATH = '/usr/bin:/bin';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let cache: string;
let goLog: string;

beforeEach(() => {
  cache = mkdtempSync(join(tmpdir(), 'cm-install-'));
  goLog = join(cache, 'go-calls.log');
});
afterEach(() => rmSync(cache, { recursive: true, force: true }));

function env(extra: Record<string, string> = {}, withGo = true): NodeJS.ProcessEnv {
  return {
    HOME: cache,
    CLUSTERMINT_CACHE: join(cache, 'c'),
    PATH: withGo ? `${FAKE_GO_DIR}:${SYSTEM_PATH}` : SYSTEM_PATH,
    FAKE_GO_LOG: goLog,
    ...extra,
  };
}

function runScript(argv: readonly string[], e: NodeJS.ProcessEnv): Run {
  const r = spawnSync(join(ROOT, argv[0]!), argv.slice(1), { env: e, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function runScriptAsync(argv: readonly string[], e: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(join(ROOT, argv[0]!), argv.slice(1), { env: e });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const goCalls = (): string[] =>
  existsSync(goLog) ? readFileSync(goLog, 'utf8').trim().split('\n').filter(Boolean) : [];
const buildCalls = (): string[] => goCalls().filter((l) => /^(build|install) /.test(l));

/** Directories a build left beside its destination (a failed build must leave none). */
function leftovers(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => n.startsWith('.build-') || n.startsWith('.install-'));
}

function pin(goMod: string, module: string): string {
  const line = readFileSync(join(ROOT, goMod), 'utf8')
    .split('\n')
    .find((l) => l.trim().startsWith(`${module} v`));
  return line!.trim().split(/\s+/)[1]!;
}

/** stdout is exactly one line: the result. */
function resultOf(r: Run): string {
  expect(r.stdout.endsWith('\n')).toBe(true);
  const lines = r.stdout.slice(0, -1).split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('scripts/testenv/install.sh', () => {
  const script = ['scripts/testenv/install.sh'];
  const k8s = pin('tools/testenv/go.mod', 'k8s.io/kubernetes');
  const etcd = pin('tools/testenv/go.mod', 'go.etcd.io/etcd/server/v3');
  const dest = () => join(cache, 'c', 'testenv', `${k8s}-${etcd}`);

  it('builds both binaries at the pinned versions into the cache and prints only the directory', () => {
    // etcd's --version prints many lines: `| head -1` under pipefail died of SIGPIPE here.
    const r = runScript(script, env({ FAKE_VERSION_LINES: '200000' }));
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(resultOf(r)).toBe(dest());
    for (const b of ['kube-apiserver', 'etcd']) expect(existsSync(join(dest(), b))).toBe(true);
    expect(r.stderr).toContain('etcd version line 1\n');
    expect(r.stderr).not.toContain('etcd version line 2\n');
    const calls = buildCalls();
    expect(calls).toHaveLength(2);
    expect(calls[0]).toContain(`-X k8s.io/component-base/version.gitVersion=${k8s}`);
    expect(calls[0]).toContain('k8s.io/kubernetes/cmd/kube-apiserver');
    expect(calls[1]).toContain('go.etcd.io/etcd/server/v3');
    // Go's caches under the clustermint cache; the pinned module graph only.
    expect(calls[0]).toContain(`GOMODCACHE=${join(cache, 'c', 'go', 'mod')}`);
    expect(calls[0]).toContain(`GOCACHE=${join(cache, 'c', 'go', 'build')}`);
    expect(calls[0]).toContain('GOFLAGS=-mod=readonly');
    expect(leftovers(join(cache, 'c', 'testenv'))).toEqual([]);
  });

  it('a second run answers from the cache without Go', () => {
    expect(runScript(script, env()).code).toBe(0);
    const before = buildCalls().length;
    const r = runScript(script, env({}, false));
    expect(r.code).toBe(0);
    expect(resultOf(r)).toBe(dest());
    expect(r.stderr).toContain('cached');
    expect(buildCalls()).toHaveLength(before);
  });

  it('--cached answers exit 3 on an empty cache and builds nothing, then the path once built', () => {
    const miss = runScript([...script, '--cached'], env());
    expect(miss.code).toBe(3);
    expect(miss.stdout).toBe('');
    expect(miss.stderr).toMatch(/not built yet/);
    expect(goCalls()).toEqual([]);
    expect(runScript(script, env()).code).toBe(0);
    expect(resultOf(runScript([...script, '--cached'], env({}, false)))).toBe(dest());
  });

  it('a failed build exits non-zero and leaves nothing in the cache', () => {
    const r = runScript(script, env({ FAKE_GO_FAIL: 'etcd' }));
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/build failed/);
    expect(existsSync(dest())).toBe(false);
    expect(leftovers(join(cache, 'c', 'testenv'))).toEqual([]);
  });

  it('a build that produces no binary, or one that does not run, is refused and not cached', () => {
    const none = runScript(script, env({ FAKE_GO_NO_OUTPUT: '1' }));
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/produced no binaries/);
    const broken = runScript(script, env({ FAKE_BIN_BROKEN: '1' }));
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/--version failed: broken build/);
    expect(existsSync(dest())).toBe(false);
    expect(leftovers(join(cache, 'c', 'testenv'))).toEqual([]);
  });

  it('without Go it says what to install (exit 2)', () => {
    const r = runScript(script, env({}, false));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Go is not installed .* Install Go >= 1\.\d+/s);
  });

  it('two concurrent installs build once; the second waits and reuses the result', async () => {
    const e = env({ FAKE_GO_SLEEP: '0.5' });
    const [a, b] = await Promise.all([runScriptAsync(script, e), runScriptAsync(script, e)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(resultOf(a)).toBe(dest());
    expect(resultOf(b)).toBe(dest());
    expect(buildCalls()).toHaveLength(2); // kube-apiserver and etcd, once each
    expect(`${a.stderr}${b.stderr}`).toMatch(/built by a concurrent install/);
  });

  it('refuses an unknown argument (exit 2)', () => {
    const r = runScript([...script, '--nope'], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage/);
  });
});

describe('scripts/install-go-ref.sh', () => {
  for (const tool of ['gotemplate-ref', 'jsonpatch-ref']) {
    it(`${tool}: builds once into a directory named by the source hash, then reuses it without Go`, () => {
      const r = runScript(['scripts/install-go-ref.sh', tool], env());
      expect(r.code).toBe(0);
      const bin = resultOf(r);
      expect(bin).toMatch(new RegExp(`/c/tools/${tool}/[0-9a-f]{16}/${tool}$`));
      expect(existsSync(bin)).toBe(true);
      expect(buildCalls()).toHaveLength(1);
      expect(buildCalls()[0]).toContain('-mod=readonly');
      const again = runScript(['scripts/install-go-ref.sh', tool], env({}, false));
      expect(resultOf(again)).toBe(bin);
      expect(buildCalls()).toHaveLength(1);
      expect(resultOf(runScript(['scripts/install-go-ref.sh', tool, '--cached'], env({}, false)))).toBe(bin);
    });
  }

  it('the gotemplate-ref wrapper passes --cached through', () => {
    const r = runScript(['scripts/install-gotemplate-ref.sh', '--cached'], env());
    expect(r.code).toBe(3);
    expect(goCalls()).toEqual([]);
  });

  it('a failed build leaves nothing behind and prints no result', () => {
    const r = runScript(['scripts/install-go-ref.sh', 'jsonpatch-ref'], env({ FAKE_GO_FAIL: 'build' }));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(readdirSync(join(cache, 'c', 'tools', 'jsonpatch-ref')).filter((n) => !n.startsWith('.'))).toEqual(
      [],
    );
    expect(leftovers(join(cache, 'c', 'tools', 'jsonpatch-ref'))).toEqual([]);
  });

  it('refuses a tool that is not a folder under tools/, or a path (exit 2)', () => {
    for (const args of [[], ['../../etc'], ['no-such-tool'], ['gotemplate-ref', '--nope']]) {
      const r = runScript(['scripts/install-go-ref.sh', ...args], env());
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    }
    expect(goCalls()).toEqual([]);
  });

  it('two concurrent installs build once', async () => {
    const e = env({ FAKE_GO_SLEEP: '0.5' });
    const args = ['scripts/install-go-ref.sh', 'gotemplate-ref'];
    const [a, b] = await Promise.all([runScriptAsync(args, e), runScriptAsync(args, e)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(resultOf(a)).toBe(resultOf(b));
    expect(buildCalls()).toHaveLength(1);
  });
});

describe('scripts/install-kyverno-json.sh', () => {
  const script = ['scripts/install-kyverno-json.sh'];
  const primary = 'v0.0.4-0.20241009113919-bd9932a0f946';
  const fallback = 'v0.0.4-0.20241008103124-b294ee72a2bf';
  const dir = () => join(cache, 'c', 'tools', 'kyverno-json');

  it('installs the pinned version and prints only its path; a rerun needs no Go', () => {
    const r = runScript(script, env());
    expect(r.code).toBe(0);
    expect(resultOf(r)).toBe(join(dir(), primary, 'kyverno-json'));
    expect(buildCalls()).toEqual([
      expect.stringContaining(`install github.com/kyverno/kyverno-json@${primary}`),
    ]);
    expect(resultOf(runScript(script, env({}, false)))).toBe(join(dir(), primary, 'kyverno-json'));
    expect(buildCalls()).toHaveLength(1);
  });

  it('falls back to the second pin when the proxy refuses the first, leaving no partial install', () => {
    const r = runScript(script, env({ FAKE_GO_FAIL: primary }));
    expect(r.code).toBe(0);
    expect(resultOf(r)).toBe(join(dir(), fallback, 'kyverno-json'));
    expect(existsSync(join(dir(), primary))).toBe(false);
    expect(leftovers(dir())).toEqual([]);
  });

  it('KYVERNO_JSON_VERSION installs exactly that version, with no fallback', () => {
    const ok = runScript(script, env({ KYVERNO_JSON_VERSION: 'v9.9.9' }));
    expect(resultOf(ok)).toBe(join(dir(), 'v9.9.9', 'kyverno-json'));
    const fail = runScript(script, env({ KYVERNO_JSON_VERSION: 'v1.2.3', FAKE_GO_FAIL: 'v1.2.3' }));
    expect(fail.code).toBe(1);
    expect(fail.stdout).toBe('');
    expect(fail.stderr).toMatch(/could not install kyverno-json \(tried: v1\.2\.3\)/);
    expect(leftovers(dir())).toEqual([]);
  });

  it('--cached never installs', () => {
    const r = runScript([...script, '--cached'], env());
    expect(r.code).toBe(3);
    expect(goCalls()).toEqual([]);
  });
});
