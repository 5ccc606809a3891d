import { describe, expect, it } from 'vitest';
import { guessResource, qualifiedResource } from '../../src/store/errors.js';
import { compileFilter, deepEqual, matchesKey, validateMeta } from '../../src/store/semantics.js';

describe('store semantics', () => {
  it('guesses plural resource names as client-go does', () => {
    expect(['ClusterClass', 'Policy', 'Cluster', 'MachineHealthCheck', 'Ingress'].map(guessResource)).toEqual(
      ['clusterclasses', 'policies', 'clusters', 'machinehealthchecks', 'ingresses'],
    );
    expect(qualifiedResource({ apiVersion: 'v1', kind: 'ConfigMap' })).toBe('configmaps');
  });

  it('validates metadata as ValidateObjectMeta does', () => {
    const paths = (meta: object, name = true) => validateMeta(meta, name).map((p) => `${p.path}: ${p.type}`);
    expect(paths({ name: 'ok.example-1', namespace: 'team-a' })).toEqual([]);
    expect(paths({})).toEqual(['metadata.name: Required value']);
    expect(paths({ name: 'a'.repeat(254) })).toHaveLength(1);
    expect(paths({ name: 'x', namespace: 'a.b' })).toEqual(['metadata.namespace: Invalid value: "a.b"']);
    expect(paths({ name: 'x', labels: { 'example.com/app': 'v1.2_3', a: '' } })).toEqual([]);
    expect(paths({ name: 'x', labels: { 'Example.com/app': 'x' } })).toEqual([
      'metadata.labels: Invalid value: "Example.com/app"',
    ]);
    expect(paths({ name: 'x', labels: { app: '-bad' } })).toEqual(['metadata.labels: Invalid value: "-bad"']);
    expect(paths({ name: 'x', labels: { app: 1 } })).toEqual(['metadata.labels[app]: Invalid value: 1']);
    expect(paths({ name: 'x', finalizers: ['clustermint.io/cleanup', 'bad finalizer'] })).toEqual([
      'metadata.finalizers[1]: Invalid value: "bad finalizer"',
    ]);
    expect(paths({ annotations: { big: 'x'.repeat(256 * 1024) } }, false)).toEqual([
      'metadata.annotations: Too long',
    ]);
    expect(paths({ ownerReferences: [{ apiVersion: 'v1', kind: 'K', name: 'n' }] }, false)).toEqual([
      'metadata.ownerReferences[0].uid: Required value',
    ]);
  });

  it('compares JSON values regardless of key order', () => {
    expect(deepEqual({ a: [1, { b: 2, c: 3 }] }, { a: [1, { c: 3, b: 2 }] })).toBe(true);
    expect(deepEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(deepEqual({ a: undefined }, {})).toBe(false);
    expect(deepEqual([], {})).toBe(false);
  });

  it('reads field selectors on metadata.name and metadata.namespace', () => {
    const f = compileFilter({ fieldSelector: 'metadata.namespace = a , metadata.name!=b' });
    expect(matchesKey(f, 'a', 'c')).toBe(true);
    expect(matchesKey(f, 'a', 'b')).toBe(false);
    expect(matchesKey(f, 'x', 'c')).toBe(false);
    expect(() => compileFilter({ fieldSelector: 'status.phase=Running' })).toThrow(
      'field label not supported: status.phase',
    );
    expect(() => compileFilter({ fieldSelector: 'metadata.name' })).toThrow(/invalid selector/);
  });
});
