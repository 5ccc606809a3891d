/** `clustermint history` on the embedded state, in-process: the table, its notes, the errors. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordHistory } from '../../src/cli/history-record.js';
import { MAX_HISTORY_ENTRIES } from '../../src/domain/audit.js';
import { openSqliteStore } from '../../src/store/index.js';
import { run } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

const ev = { namespace: 'team-a', name: 'dev', template: 'simulated-standalone-cp', allowed: true } as const;

describe('clustermint history', () => {
  it('prints each entry, the violations under a denied one, the upgrade and the warnings', async () => {
    const state = join(tmpTree({}), 'state.db');
    const store = openSqliteStore(state);
    await recordHistory(
      store,
      { ...ev, user: 'alice', action: 'created', credential: 'c1' },
      new Date('2026-01-01T10:00:00Z'),
    );
    await recordHistory(
      store,
      {
        ...ev,
        user: 'bob',
        action: 'denied',
        allowed: false,
        violations: ['error: x [admission/credential-exists]', 'error: y\u001b[31m'],
      },
      new Date('2026-01-01T11:00:00Z'),
    );
    await recordHistory(
      store,
      {
        ...ev,
        user: 'alice',
        action: 'upgraded',
        template: 'tpl-2',
        fromTemplate: 'simulated-standalone-cp',
        warnings: 2,
      },
      new Date('2026-01-01T12:00:00Z'),
    );
    await store.close();
    const r = await run('history', 'dev', '-n', 'team-a', '--state', state);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      expect.stringMatching(/^TIME\s+USER\s+ACTION\s+TEMPLATE\s+VERDICT$/),
      expect.stringMatching(
        /^2026-01-01T10:00:00Z\s+alice\s+created\s+simulated-standalone-cp \(credential c1\)\s+allowed$/,
      ),
      expect.stringMatching(/^2026-01-01T11:00:00Z\s+bob\s+denied\s+simulated-standalone-cp\s+denied$/),
      '    error: x [admission/credential-exists]',
      '    error: y\\u001b[31m',
      expect.stringMatching(/alice\s+upgraded\s+simulated-standalone-cp -> tpl-2\s+allowed \(2 warnings\)$/),
      '',
    ]);
    // found by name when -n is not given
    expect((await run('history', 'dev', '--state', state)).stdout).toBe(r.stdout);
    const y = await run('history', 'dev', '-n', 'team-a', '--state', state, '-o', 'yaml');
    expect(y.stdout).toMatch(/^apiVersion: clustermint\.io\/v1alpha1\nkind: DeploymentHistory\n/);
  });

  it('counts what was dropped past the cap and says when the deployment went', async () => {
    const state = join(tmpTree({}), 'state.db');
    const store = openSqliteStore(state);
    for (let i = 0; i < MAX_HISTORY_ENTRIES + 3; i++)
      await recordHistory(store, { ...ev, user: `u${i}`, action: 'changed' });
    const h = await store.get({
      apiVersion: 'clustermint.io/v1alpha1',
      kind: 'DeploymentHistory',
      namespace: 'team-a',
      name: 'dev',
    });
    await store.update({
      ...h,
      spec: { ...(h.spec as object), deletedAt: '2026-02-01T00:00:00Z', expiresAt: '2026-03-03T00:00:00Z' },
    });
    await store.close();
    const r = await run('history', 'dev', '-n', 'team-a', '--state', state);
    expect(r.stdout.split('\n').filter((l) => /\schanged\s/.test(l))).toHaveLength(MAX_HISTORY_ENTRIES);
    expect(r.stdout).toMatch(/\su3\s+changed/);
    expect(r.stdout).not.toMatch(/\su2\s+changed/);
    expect(r.stdout).toContain('(3 older entries dropped)');
    expect(r.stdout).toContain(
      '(the deployment was deleted at 2026-02-01T00:00:00Z; this history is kept until 2026-03-03T00:00:00Z)',
    );
  });

  it('a clear error without a history, or without a state', async () => {
    const state = join(tmpTree({}), 'state.db');
    openSqliteStore(state).close();
    const r = await run('history', 'ghost', '-n', 'team-a', '--state', state);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: no history for ClusterDeployment team-a\/ghost: nothing was applied or deleted under that name/,
    );
    const none = await run('history', 'ghost', '--state', join(tmpTree({}), 'absent.db'));
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no state file');
    const help = await run('history', '--help');
    const text = help.stdout.replace(/\s+/g, ' ');
    expect(text).toContain(
      'TIME, USER, ACTION (created, changed, upgraded, deleted, denied), TEMPLATE and VERDICT',
    );
    expect(text).toContain('clustermint history dev-cluster -n team-a');
  });
});
