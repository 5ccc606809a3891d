// `clustermint controller --drift-interval / --adopted-probe`: durations as the other flags take
// them; a bad one is a usage error naming the flag, in either mode, before anything is opened.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

describe('controller --drift-interval and --adopted-probe', () => {
  it('are listed in the help', async () => {
    const help = (await run('controller', '--help')).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(
      "--drift-interval <d> how often each workload cluster's services are checked for drift and readiness (default: 30s)",
    );
    expect(help).toContain(
      '--adopted-probe <d> how often an adopted cluster is asked whether it still answers (default: 30s)',
    );
  });

  for (const [flag, mode] of [
    ['--drift-interval', 'embedded'],
    ['--adopted-probe', 'embedded'],
    ['--drift-interval', 'kubernetes'],
  ] as const)
    it(`${flag} "soon" is refused (${mode})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cm-ctl-flags-'));
      const state = join(dir, 'state.db');
      const modeArgs = mode === 'embedded' ? ['--state', state] : ['--kubeconfig', join(dir, 'none')];
      const r = await run('controller', ...modeArgs, flag, 'soon');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${flag} "soon" is not a duration such as 15s`);
      expect(existsSync(state)).toBe(false);
    });
});
