// The cycle check shared by service ordering and the admission rule (src/domain/dependency-cycle.ts).
import { describe, expect, it } from 'vitest';
import { findCycle } from '../../src/domain/dependency-cycle.js';

const g = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

describe('findCycle', () => {
  it.each([
    ['none', { a: ['b'], b: [] }, undefined],
    ['a self-loop', { a: ['a'] }, ['a']],
    ['a loop of three, from the first name', { c: ['a'], a: ['b'], b: ['c'] }, ['a', 'b', 'c']],
    ['a loop behind a tail', { a: ['b'], b: ['c'], c: ['b'] }, ['b', 'c']],
    ['an edge to an unknown node is no cycle', { a: ['x'] }, undefined],
  ])('%s', (_n, edges, expected) => expect(findCycle(g(edges))).toEqual(expected));
});
