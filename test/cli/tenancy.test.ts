/**
 * Team boundaries in the CLI: a submission cannot set namespace labels (they are the platform's,
 * set with `clustermint namespace label`), apply and check take $teamLabels from the same stored
 * Namespaces (so they agree with each other and with the controller), and spec.template is a name.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';
import { run } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SUBMISSION = readFileSync(join(ROOT, 'examples/simulated-cluster.yaml'), 'utf8');
/** Development teams may run at most 2 workers; the example asks for 3. */
const DEV_TIER = [
  'apiVersion: json.kyverno.io/v1alpha1',
  'kind: ValidatingPolicy',
  'metadata: {name: dev-tier}',
  'spec:',
  '  rules:',
  '  - name: at-most-2-workers',
  '    match: {all: [{($teamLabels.tier): development, kind: EffectiveValues}]}',
  '    assert: {all: [{check: {spec: {values: {workersNumber: {(@ <= `2`): true}}}}}]}',
  '',
].join('\n');
const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-b\n  labels: {tier: trusted}\n';

function setup() {
  const dir = tmpTree({ 'cd.yaml': SUBMISSION, 'p.yaml': DEV_TIER, 'ns.yaml': NAMESPACE });
  return { dir, state: join(dir, 'state.db'), file: join(dir, 'cd.yaml'), policy: join(dir, 'p.yaml') };
}

async function stored(state: string, kind: string, apiVersion: string) {
  const store = openSqliteStore(state);
  try {
    return (await store.list({ apiVersion, kind })).items.map((o) => o.metadata.name);
  } finally {
    await store.close();
  }
}

describe('a submission never writes Namespaces', () => {
  it('apply refuses a Namespace document, located, saying how the platform labels one; nothing stored', async () => {
    const { dir, state } = setup();
    const file = join(dir, 'both.yaml');
    const r0 = await run('namespace', 'label', 'team-b', 'tier=production', '--state', state);
    expect(r0.code).toBe(0);
    writeFileSync(file, `${SUBMISSION}---\n${NAMESPACE}`);
    const r = await run('apply', '-f', file, '--state', state, '--no-wait');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/both\.yaml:\d+/);
    expect(r.stderr).toMatch(/a submission may not contain a Namespace \("team-b"\)/);
    expect(r.stderr).toMatch(/clustermint namespace label team-b KEY=VALUE/);
    expect(await stored(state, 'ClusterDeployment', 'clustermint.io/v1alpha1')).toEqual([]);
    const ns = openSqliteStore(state);
    try {
      const obj = await ns.get({ apiVersion: 'v1', kind: 'Namespace', name: 'team-b' });
      expect(obj.metadata.labels).toEqual({ tier: 'production' }); // not relabeled
    } finally {
      await ns.close();
    }
  });

  it('check refuses it too, so its verdict predicts apply', async () => {
    const { dir } = setup();
    const r = await run('check', '-f', join(dir, 'ns.yaml'), '-f', join(dir, 'cd.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ns\.yaml:1.*a submission may not contain a Namespace/);
  });
});

describe('clustermint namespace label (the platform)', () => {
  it('creates, labels, needs --overwrite to change a value, removes with KEY-', async () => {
    const { state } = setup();
    expect((await run('namespace', 'label', 'team-a', 'tier=development', '--state', state)).stdout).toBe(
      'namespace/team-a created\n',
    );
    const clash = await run('namespace', 'label', 'team-a', 'tier=production', '--state', state);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/already has label tier=development: give --overwrite/);
    const r = await run(
      'namespace',
      'label',
      'team-a',
      'tier=production',
      'owner=ops',
      '--overwrite',
      '--state',
      state,
    );
    expect(r.stdout).toBe('namespace/team-a labeled\n');
    await run('namespace', 'label', 'team-a', 'owner-', '--state', state);
    const store = openSqliteStore(state);
    try {
      const ns = await store.get({ apiVersion: 'v1', kind: 'Namespace', name: 'team-a' });
      expect(ns.metadata.labels).toEqual({ tier: 'production' });
    } finally {
      await store.close();
    }
  });

  it('refuses a bad key or value before touching the state', async () => {
    const { state } = setup();
    const r = await run('namespace', 'label', 'team-a', 'ok=1', 'bad key=x', '--state', state);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid label key "bad key"/);
    expect(existsSync(state)).toBe(false);
    expect((await run('namespace', 'label', 'team-a', 'tier', '--state', state)).stderr).toMatch(
      /neither KEY=VALUE/,
    );
  });
});

describe('one source of $teamLabels: the stored Namespace', () => {
  it('apply gates with the labels the platform stored, as the controller does', async () => {
    const { state, file, policy } = setup();
    const open = await run('apply', '-f', file, '--policies', policy, '--state', state, '--no-wait');
    expect(open.code).toBe(0); // no labels: the rule does not apply
    const { state: state2 } = setup();
    await run('namespace', 'label', 'team-a', 'tier=development', '--state', state2);
    const r = await run('apply', '-f', file, '--policies', policy, '--state', state2, '--no-wait');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/dev-tier\/at-most-2-workers/);
    expect(r.stdout).toMatch(/dev-1 denied \(not stored\)/);
  });

  it('plan previews with the same stored labels', async () => {
    const { state, file, policy } = setup();
    await run('namespace', 'label', 'team-a', 'tier=development', '--state', state);
    const r = await run('plan', '-f', file, '--policies', policy, '--state', state);
    expect(r.stdout).toMatch(/team-a\/dev-1: denied by the gate\n.*cd\.yaml:13:20 \(\$\.workersNumber\)/);
    expect(r.code).toBe(1);
  });

  it('check reads the same stored labels (--state), or the platform files (--namespaces)', async () => {
    const { dir, state, file, policy } = setup();
    expect((await run('check', '-f', file, '--policies', policy, '--state', state)).code).toBe(0);
    expect(existsSync(state)).toBe(false); // a missing state file is not created
    await run('namespace', 'label', 'team-a', 'tier=development', '--state', state);
    const r = await run('check', '-f', file, '--policies', policy, '--state', state);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/dev-tier\/at-most-2-workers/);
    const nsFile = join(dir, 'platform.yaml');
    writeFileSync(nsFile, NAMESPACE.replace(/team-b/, 'team-a').replace(/trusted/, 'development'));
    const f = await run('check', '-f', file, '--policies', policy, '--namespaces', nsFile);
    expect(f.code).toBe(1);
    expect(f.stdout).toMatch(/dev-tier\/at-most-2-workers/);
  });
});

describe('spec.template is a name, never a path', () => {
  it.each(['check', 'apply'])(
    '%s refuses a chart folder named in spec.template, as the webhook does',
    async (cmd) => {
      const { dir, state } = setup();
      const file = join(dir, 'path.yaml');
      writeFileSync(
        file,
        SUBMISSION.replace('simulated-standalone-cp', join(ROOT, 'templates', 'simulated-standalone-cp')),
      );
      const r = await run(cmd, '-f', file, ...(cmd === 'apply' ? ['--state', state, '--no-wait'] : []));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/path\.yaml:\d+:\d+.*a template is named by a DNS-1123 name/);
      expect(r.stderr).toMatch(/--templates DIR/);
      const rel = join(dir, 'rel.yaml');
      writeFileSync(rel, SUBMISSION.replace('simulated-standalone-cp', '../../some/folder'));
      const r2 = await run(cmd, '-f', rel, ...(cmd === 'apply' ? ['--state', state, '--no-wait'] : []));
      expect(r2.code).toBe(1);
      expect(r2.stderr).toMatch(/unknown template "\.\.\/\.\.\/some\/folder": a template is named by/);
    },
  );
});
