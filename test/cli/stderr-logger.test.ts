import { describe, expect, it } from 'vitest';
import { stderrLogger } from '../../src/cli/embedded-run.js';
import type { IO } from '../../src/cli/io.js';

describe('stderrLogger (the embedded runtime reports a restarted watch)', () => {
  it('writes one warning line with the fields', () => {
    const err: string[] = [];
    const io = { out: () => undefined, err: (s: string) => err.push(s) } as unknown as IO;
    stderrLogger(io).warn(
      { kind: 'ClusterDeployment', attempt: 2, delayMs: 1000 },
      'watch failed; restarting',
    );
    expect(err).toEqual([
      'warning: watch failed; restarting (kind=ClusterDeployment attempt=2 delayMs=1000)\n',
    ]);
  });
});
