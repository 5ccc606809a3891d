/** rolledTo, max/minVersion, stepNumber, upgradeConcurrency, pickFailureDomain, and the pass's outcome merge. */
import { describe, expect, it } from 'vitest';
import { withVersion } from '../../../src/controller/phases/control-plane/hosted.js';
import { mergeOutcomes, type PhaseOutcome, requeueAfterMs } from '../../../src/controller/phases/outcome.js';
import { pickFailureDomain } from '../../../src/controller/planners/failure-domain.js';
import {
  maxVersion,
  minVersion,
  rolledTo,
  stepNumber,
  upgradeConcurrency,
} from '../../../src/controller/planners/rolled-version.js';
import { machine } from './machines.js';

const at = (...versions: string[]) => versions.map((v, i) => machine(`m${i}`, { version: v }));

describe('rolledTo', () => {
  it.each<[string, string | undefined, ReturnType<typeof at>, string, string | undefined]>([
    ['nothing stored', undefined, at('v1.33.4'), 'v1.34.1', undefined],
    ['stored, machines at it', 'v1.33.4', at('v1.33.4', 'v1.33.4'), 'v1.34.1', 'v1.33.4'],
    [
      'machines of a later step exist (killed before the status was written)',
      'v1.32.8',
      at('v1.32.8', 'v1.33.4+k0s.0'),
      'v1.34.1',
      'v1.33.4',
    ],
    ['machines beyond the target do not count', 'v1.32.8', at('v1.35.0'), 'v1.34.1', 'v1.32.8'],
    ['older machines do not count', 'v1.33.4', at('v1.31.12'), 'v1.34.1', 'v1.33.4'],
    [
      'deleting machines do not count',
      'v1.32.8',
      [machine('d', { version: 'v1.33.4', deleting: true })],
      'v1.34.1',
      'v1.32.8',
    ],
    ['the newest of several', 'v1.31.12', at('v1.32.8', 'v1.33.4', 'v1.32.8'), 'v1.34.1', 'v1.33.4'],
  ])('%s', (_name, stored, machines, target, want) => {
    expect(rolledTo(stored, machines, target)).toBe(want);
  });
});

describe('maxVersion / minVersion', () => {
  it.each<[string[], string | undefined, string | undefined]>([
    [[], undefined, undefined],
    [['v1.33.4'], 'v1.33.4', 'v1.33.4'],
    [['v1.33.4+k0s.0', 'v1.9.0', 'v1.10.2'], 'v1.33.4', 'v1.9.0'],
    [['v1.33.10', 'v1.33.9'], 'v1.33.10', 'v1.33.9'],
  ])('%j: max %s, min %s', (vs, max, min) => {
    expect([maxVersion(vs), minVersion(vs)]).toEqual([max, min]);
  });
});

describe('stepNumber', () => {
  it.each<[string[], string, string[] | undefined, string]>([
    [['v1.33.4', 'v1.34.1'], 'v1.33.4', undefined, '1 of 2'],
    [['v1.33.4', 'v1.34.1'], 'v1.34.1', undefined, '2 of 2'],
    // Counted in the plan stored when the upgrade began.
    [['v1.34.1'], 'v1.34.1', ['v1.33.4', 'v1.34.1'], '2 of 2'],
    [['v1.34.1'], 'v1.34.1', [], '1 of 1'],
    [['v1.34.1'], 'v1.35.0', undefined, '1 of 1'],
  ])('%j at %s (stored %j): %s', (steps, v, stored, want) => {
    expect(stepNumber(steps, v, stored)).toBe(want);
  });
});

describe('upgradeConcurrency', () => {
  const key = 'topology.cluster.x-k8s.io/upgrade-concurrency';
  it.each<[Record<string, string>, Record<string, string>, number]>([
    [{}, {}, 1],
    [{ [key]: '3' }, {}, 3],
    [{}, { [key]: '2' }, 2],
    [{ [key]: '4' }, { [key]: '2' }, 4],
    [{ [key]: '0' }, {}, 1],
    [{ [key]: '-2' }, {}, 1],
    [{ [key]: '1.5' }, {}, 1],
    [{ [key]: 'many' }, { [key]: '5' }, 1],
  ])('deployment %j, cluster %j: %i', (cd, cluster, want) => {
    expect(upgradeConcurrency(cd, cluster)).toBe(want);
  });
});

describe('pickFailureDomain', () => {
  const fds = (...names: string[]) => ({
    failureDomains: [
      ...names.map((name) => ({ name, controlPlane: true })),
      { name: 'workers-only', controlPlane: false },
    ],
  });
  const cp = (name: string, zone: string, o: { deleting?: boolean } = {}) =>
    machine(name, { role: 'control-plane', zone, ...o });
  it.each<[string, ReturnType<typeof fds>, ReturnType<typeof cp>[], string[], string | undefined]>([
    ['no failure domains', { failureDomains: [] } as unknown as ReturnType<typeof fds>, [], [], undefined],
    ['empty: the first by name', fds('b', 'a', 'c'), [], [], 'a'],
    ['the least used', fds('a', 'b', 'c'), [cp('m1', 'a'), cp('m2', 'b')], [], 'c'],
    ['ties by name', fds('a', 'b', 'c'), [cp('m1', 'a')], [], 'b'],
    [
      'avoids a zone with an unhealthy machine',
      fds('a', 'b'),
      [cp('m1', 'a'), cp('m2', 'b'), cp('m3', 'b')],
      ['m1'],
      'b',
    ],
    [
      'every zone unhealthy: the least used of all',
      fds('a', 'b'),
      [cp('m1', 'a'), cp('m2', 'b'), cp('m3', 'b')],
      ['m1', 'm2'],
      'a',
    ],
    [
      'deleting machines do not count',
      fds('a', 'b'),
      [cp('m1', 'a', { deleting: true }), cp('m2', 'b')],
      [],
      'a',
    ],
    ['only control-plane domains', fds('a'), [cp('m1', 'a')], [], 'a'],
  ])('%s', (_name, infra, machines, unhealthy, want) => {
    expect(pickFailureDomain(infra, machines, new Set(unhealthy)).failureDomain).toBe(want);
  });
});

describe('mergeOutcomes / requeueAfterMs', () => {
  it.each<[string, (PhaseOutcome | undefined)[], PhaseOutcome, number]>([
    ['nothing: resync', [], { busy: false }, 10_000],
    ['idle phases: resync', [{}, { busy: false }], { busy: false }, 10_000],
    ['busy: poll', [{}, { busy: true }], { busy: true }, 1_000],
    ['a retry without busy only resyncs', [{ retryAfterMs: 50 }], { busy: false, retryAfterMs: 50 }, 10_000],
    [
      'busy with retries: the shortest',
      [{ busy: true }, { retryAfterMs: 300 }, { retryAfterMs: 200 }],
      { busy: true, retryAfterMs: 200 },
      200,
    ],
    ['a retry of 0 is at least 1 ms', [{ busy: true, retryAfterMs: 0 }], { busy: true, retryAfterMs: 0 }, 1],
    [
      'a long retry is capped at 30 polls',
      [{ busy: true, retryAfterMs: 120_000 }],
      { busy: true, retryAfterMs: 120_000 },
      30_000,
    ],
    [
      'undefined phases are skipped',
      [undefined, { busy: true, retryAfterMs: 10_000 }, undefined],
      { busy: true, retryAfterMs: 10_000 },
      10_000,
    ],
  ])('%s', (_name, outcomes, merged, requeue) => {
    const m = mergeOutcomes(...outcomes);
    expect(m).toEqual(merged);
    expect(requeueAfterMs(m, 1_000, 10_000)).toBe(requeue);
  });
});

describe('withVersion (hosted control plane)', () => {
  const cp = (version: string) =>
    ({
      apiVersion: 'x',
      kind: 'K0smotronControlPlane',
      metadata: { name: 'cp' },
      spec: { version, replicas: 2 },
    }) as never;
  it.each<[string, string, string]>([
    ['v1.33.4+k0s.0', 'v1.33.4', 'v1.33.4+k0s.0'],
    ['v1.33.4+k0s.2', 'v1.33.4', 'v1.33.4+k0s.2'],
    ['v1.34.1+k0s.2', 'v1.33.4', 'v1.33.4+k0s.0'],
    ['v1.34.1-k0s.1', 'v1.33.4', 'v1.33.4-k0s.0'],
    ['v1.34.1', 'v1.33.4', 'v1.33.4'],
    ['', 'v1.33.4', 'v1.33.4'],
  ])('rendered %s stepped to %s: %s', (rendered, step, want) => {
    const original = cp(rendered);
    const out = withVersion(original, step) as { spec: { version: string; replicas: number } };
    expect(out.spec).toEqual({ version: want, replicas: 2 });
    expect((original as { spec: { version: string } }).spec.version).toBe(rendered);
  });
});
