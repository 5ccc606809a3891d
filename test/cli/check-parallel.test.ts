// `check --parallel N`: worker threads judge submissions beside the main thread, and the output is
// the one thread's, byte for byte, in every format (the built CLI: skipped without
// `npm run build`). ChunkCounter hands out every ordinal once, given-back chunks first.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deploymentsYaml } from '../../bench/lib/deployments.js';
import { ChunkCounter, MIN_PARALLEL_SUBMISSIONS } from '../../src/cli/check-parallel.js';
import { BIN, cliBuilt, ROOT } from '../helpers/process.js';
import { tmpTree } from '../helpers/tmp.js';

const built = cliBuilt();
if (!built) {
  if (process.env.CI === 'true') throw new Error('the parallel check tests need npm run build');
  console.warn('skipping the parallel check tests: run npm run build first');
}

describe('ChunkCounter', () => {
  it('hands out each ordinal once, in order, then a chunk given back before the rest', () => {
    const c = new ChunkCounter(40);
    const a = c.take();
    const b = c.take();
    expect(a).toEqual([0, 16]);
    expect(b).toEqual([16, 32]);
    c.giveBack(a!);
    expect(c.take()).toEqual([0, 16]);
    expect(c.take()).toEqual([32, 40]);
    expect(c.take()).toBeUndefined();
  });
});

describe.skipIf(!built)('check --parallel', () => {
  const dir = tmpTree({});
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // enough submissions for the workers to start, some of them denied by policies/
  const file = join(dir, 'fleet.yaml');
  writeFileSync(file, deploymentsYaml(MIN_PARALLEL_SUBMISSIONS * 2 + 7));
  const check = (parallel: string, ...format: string[]) =>
    spawnSync(
      process.execPath,
      [BIN, 'check', '--parallel', parallel, '-f', file, '--policies', join(ROOT, 'policies'), ...format],
      { encoding: 'utf8', cwd: dir, maxBuffer: 64 << 20 },
    );

  for (const format of [[], ['-o', 'json'], ['--format', 'sarif'], ['--format', 'junit']]) {
    it(`prints what one thread prints (${format.join(' ') || 'text'})`, () => {
      const one = check('1', ...format);
      const three = check('3', ...format);
      expect(one.status).toBe(1);
      expect(three.status).toBe(one.status);
      expect(three.stderr).toBe(one.stderr);
      expect(three.stdout).toBe(one.stdout);
      if (format.length === 0) expect(one.stdout).toMatch(/\n\d+ submissions: \d+ allowed, \d+ denied\n$/);
    }, 60_000);
  }

  it('has the workers judge chunks beside a slow main thread, with the verdicts one thread gives', async () => {
    // the built modules, as the CLI runs them (the workers load the bundle)
    const parallel = await import(join(ROOT, 'dist', 'cli', 'check-parallel.js'));
    const run = await import(join(ROOT, 'dist', 'cli', 'check-run.js'));
    const options = {
      files: [file],
      templates: [],
      policies: [join(ROOT, 'policies')],
      namespaces: [],
      state: join(dir, 'none.db'),
      format: 'json',
      maxMachines: 1000,
    };
    const here = await run.checkShard(options);
    try {
      const alone = await here.judge([0, here.total]);
      const mine: number[][] = [];
      const shared = await parallel.judgeInParallel(here.total, 3, options, async (chunk: number[]) => {
        mine.push(chunk);
        await new Promise((r) => setTimeout(r, 200));
        return here.judge(chunk);
      });
      expect(shared).toEqual(alone);
      const chunks = Math.ceil(here.total / 16);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.length).toBeLessThan(chunks);
    } finally {
      await here.close();
    }
  }, 60_000);

  it('refuses a thread count that is not a whole number from 1 to 64', () => {
    for (const bad of ['0', '65', '1.5', 'x']) {
      const r = check(bad);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`--parallel must be a whole number from 1 to 64, got "${bad}"`);
    }
  });
});
