/**
 * The JSON Patch applier's main behaviours, checked by hand against evanphx/json-patch v5's
 * source, so the semantics stay pinned where Go (and the differential test) is not available.
 */
import { describe, expect, it } from 'vitest';
import {
  applyPatchOperations,
  JsonPatchApplyError,
  type PatchOperation,
} from '../../../src/render/topology/json-patch.js';
import type { PlainObject } from '../../../src/util/plain-object.js';

const add = (path: string, value: unknown): PatchOperation => ({ op: 'add', path, value });
const rep = (path: string, value: unknown): PatchOperation => ({ op: 'replace', path, value });
const rem = (path: string): PatchOperation => ({ op: 'remove', path });

const apply = (doc: unknown, ...ops: PatchOperation[]) =>
  applyPatchOperations(structuredClone(doc) as PlainObject, ops);

function failure(doc: unknown, ...ops: PatchOperation[]): string {
  try {
    apply(doc, ...ops);
  } catch (e) {
    expect(e).toBeInstanceOf(JsonPatchApplyError);
    return (e as Error).message;
  }
  throw new Error('the patch applied');
}

describe('objects', () => {
  const doc = { spec: { a: 1, n: null, s: 'text' } };

  it('adds, overwrites, replaces and removes keys', () => {
    expect(apply(doc, add('/spec/b', 2))).toEqual({ spec: { a: 1, b: 2, n: null, s: 'text' } });
    expect(apply(doc, add('/spec/a', [1]))).toEqual({ spec: { a: [1], n: null, s: 'text' } });
    expect(apply(doc, rep('/spec/n', { x: 1 }))).toEqual({ spec: { a: 1, n: { x: 1 }, s: 'text' } });
    expect(apply(doc, rem('/spec/s'))).toEqual({ spec: { a: 1, n: null } });
  });

  it('works in place and returns the document', () => {
    const d = structuredClone(doc) as PlainObject;
    expect(applyPatchOperations(d, [add('/spec/b', 2)])).toBe(d);
    expect((d.spec as PlainObject).b).toBe(2);
  });

  it('names the missing path, key or container', () => {
    expect(failure(doc, add('/missing/x', 1))).toBe(
      'add operation does not apply: doc is missing path: "/missing/x": missing value',
    );
    expect(failure(doc, add('/spec/n/x', 1))).toBe(
      'add operation does not apply: doc is missing path: "/spec/n/x": missing value',
    );
    expect(failure(doc, rep('/spec/s/x', 1))).toBe(
      'replace operation does not apply: doc is missing path: /spec/s/x: missing value',
    );
    expect(failure(doc, rep('/spec/b', 1))).toBe(
      'replace operation does not apply: doc is missing key: /spec/b: missing value',
    );
    expect(failure(doc, rem('/spec/a/x'))).toBe(
      'remove operation does not apply: doc is missing path: "/spec/a/x": missing value',
    );
    expect(failure(doc, rem('/spec/b'))).toBe(
      "error in remove for path: '/spec/b': unable to remove nonexistent key: b: missing value",
    );
  });

  it('keeps `__proto__` and Object member names as plain keys', () => {
    const out = apply({}, add('/__proto__', { x: 1 }), add('/__proto__/y', 2)) as PlainObject;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"x":1,"y":2}}');
    expect(failure({}, rem('/toString'))).toBe(
      "error in remove for path: '/toString': unable to remove nonexistent key: toString: missing value",
    );
    expect(failure({}, rep('/constructor', 1))).toBe(
      'replace operation does not apply: doc is missing key: /constructor: missing value',
    );
  });

  it('decodes ~1 to / and ~0 to ~ in one pass', () => {
    const d = { 'a/b': { '~1': 1, '/0': 2 } };
    expect(apply(d, rem('/a~1b/~01'))).toEqual({ 'a/b': { '/0': 2 } });
    expect(apply(d, rem('/a~1b/~10'))).toEqual({ 'a/b': { '~1': 1 } });
    expect(apply(d, add('/a~1b/~', 3))).toEqual({ 'a/b': { '~1': 1, '/0': 2, '~': 3 } });
  });

  it('reads the empty key as a key, and replace of it always applies', () => {
    expect(apply({}, add('/', 1))).toEqual({ '': 1 });
    expect(apply({ a: {} }, rep('/a/', 1))).toEqual({ a: { '': 1 } });
    expect(apply({ '': 1, b: 2 }, rem('/'))).toEqual({ b: 2 });
    expect(failure({}, rem('/'))).toBe(
      "error in remove for path: '/': unable to remove nonexistent key: : missing value",
    );
  });
});

describe('arrays', () => {
  const doc = { a: [1, 2, 3] };

  it('adds at 0, the length, "-" and negative indices (-1 appends, -len-1 prepends)', () => {
    expect(apply(doc, add('/a/0', 0))).toEqual({ a: [0, 1, 2, 3] });
    expect(apply(doc, add('/a/3', 4))).toEqual({ a: [1, 2, 3, 4] });
    expect(apply(doc, add('/a/-', 4))).toEqual({ a: [1, 2, 3, 4] });
    expect(apply(doc, add('/a/-1', 4))).toEqual({ a: [1, 2, 3, 4] });
    expect(apply(doc, add('/a/-2', 9))).toEqual({ a: [1, 2, 9, 3] });
    expect(apply(doc, add('/a/-4', 0))).toEqual({ a: [0, 1, 2, 3] });
  });

  it('reads indices as Go strconv.Atoi does', () => {
    expect(apply(doc, rem('/a/01'))).toEqual({ a: [1, 3] });
    expect(apply(doc, rem('/a/+1'))).toEqual({ a: [1, 3] });
    expect(apply(doc, rep('/a/-0', 0))).toEqual({ a: [0, 2, 3] });
    expect(failure(doc, add('/a/x', 1))).toBe(
      `error in add for path: '/a/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`,
    );
    expect(failure(doc, rem('/a/99999999999999999999'))).toBe(
      `error in remove for path: '/a/99999999999999999999': strconv.Atoi: parsing "99999999999999999999": value out of range`,
    );
    expect(failure(doc, rem('/a/\u0001'))).toBe(
      `error in remove for path: '/a/\u0001': strconv.Atoi: parsing "\\x01": invalid syntax`,
    );
  });

  it('rejects indices past either end with the index as Go prints it', () => {
    expect(failure(doc, add('/a/4', 1))).toBe(
      "error in add for path: '/a/4': Unable to access invalid index: 4: invalid index referenced",
    );
    expect(failure(doc, add('/a/-5', 1))).toBe(
      "error in add for path: '/a/-5': Unable to access invalid index: -5: invalid index referenced",
    );
    expect(failure(doc, rem('/a/+03'))).toBe(
      "error in remove for path: '/a/+03': Unable to access invalid index: 3: invalid index referenced",
    );
    expect(failure(doc, rem('/a/-4'))).toBe(
      "error in remove for path: '/a/-4': Unable to access invalid index: -4: invalid index referenced",
    );
    expect(failure(doc, rep('/a/3', 1))).toBe(
      'replace operation does not apply: doc is missing key: /a/3: missing value',
    );
    expect(failure(doc, rep('/a/-', 1))).toBe(
      'replace operation does not apply: doc is missing key: /a/-: missing value',
    );
  });

  it('replaces and removes by negative index', () => {
    expect(apply(doc, rep('/a/-1', 9))).toEqual({ a: [1, 2, 9] });
    expect(apply(doc, rep('/a/-3', 9))).toEqual({ a: [9, 2, 3] });
    expect(apply(doc, rem('/a/-1'))).toEqual({ a: [1, 2] });
  });

  it('walks through arrays by index, negative index too', () => {
    const d = { l: [{ x: 1 }, { x: 2 }] };
    expect(apply(d, add('/l/-1/y', 3))).toEqual({ l: [{ x: 1 }, { x: 2, y: 3 }] });
    expect(failure(d, add('/l/2/y', 3))).toBe(
      'add operation does not apply: doc is missing path: "/l/2/y": missing value',
    );
    expect(failure(d, rem('/l/-3/x'))).toBe(
      'remove operation does not apply: doc is missing path: "/l/-3/x": missing value',
    );
  });

  it('an empty key in an array is no index, and replace words its failure as remove', () => {
    expect(failure(doc, rep('/a/', 1))).toBe(
      `error in remove for path: '/a/': strconv.Atoi: parsing "": invalid syntax`,
    );
    expect(failure(doc, rem('/a/'))).toBe(
      `error in remove for path: '/a/': strconv.Atoi: parsing "": invalid syntax`,
    );
  });
});

describe('paths', () => {
  const doc = { a: { b: 1 }, x: 2 };

  it('ignores what precedes the first "/"', () => {
    expect(apply(doc, add('spec/y', 3))).toEqual({ a: { b: 1 }, x: 2, y: 3 });
    expect(apply(doc, rem('whatever/a/b'))).toEqual({ a: {}, x: 2 });
    expect(failure(doc, add('y', 3))).toBe(
      'add operation does not apply: doc is missing path: "y": missing value',
    );
    expect(failure(doc, rep('x', 3))).toBe(
      'replace operation does not apply: doc is missing path: x: missing value',
    );
  });

  it('finds nothing through an empty segment below the root', () => {
    expect(failure(doc, add('/a//c', 1))).toBe(
      'add operation does not apply: doc is missing path: "/a//c": missing value',
    );
    expect(failure({ a: { '': { b: 1 } } }, rem('/a//b'))).toBe(
      'remove operation does not apply: doc is missing path: "/a//b": missing value',
    );
  });

  it('walks a detached copy of the root through an empty first segment', () => {
    // changes through "//" are lost, and "//" does not see changes made to the document
    expect(apply(doc, add('//y', 3), rem('//a'))).toEqual(doc);
    expect(apply(doc, add('//y', 3), rep('//y', 4))).toEqual(doc);
    expect(failure(doc, add('/y', 3), rem('//y'))).toBe(
      "error in remove for path: '//y': unable to remove nonexistent key: y: missing value",
    );
    expect(apply(doc, rem('/x'), rem('//x'), add('/z', 1))).toEqual({ a: { b: 1 }, z: 1 });
    expect(failure(doc, add('///y', 3))).toBe(
      'add operation does not apply: doc is missing path: "///y": missing value',
    );
  });

  it('replaces the document at the root path ""', () => {
    expect(apply(doc, add('', { z: 1 }), add('/y', 2))).toEqual({ z: 1, y: 2 });
    expect(apply(doc, rep('', [1, 2]), add('/-1', 3), rem('/0'))).toEqual([2, 3]);
    // after add "", "//" reaches a copy of the added value; after replace "", nothing
    expect(apply(doc, add('', { z: 1 }), rem('//z'))).toEqual({ z: 1 });
    expect(failure(doc, rep('', { z: 1 }), rem('//z'))).toBe(
      'remove operation does not apply: doc is missing path: "//z": missing value',
    );
    expect(failure(doc, rem(''))).toBe(
      "error in remove for path: '': unable to remove nonexistent key: : missing value",
    );
    expect(failure(doc, add('', [1]), rem(''))).toBe(
      `error in remove for path: '': strconv.Atoi: parsing "": invalid syntax`,
    );
  });

  it('fails plainly on a root value that is not an object or array (deliberately not evanphx wording)', () => {
    expect(failure(doc, add('', 1))).toBe('add operation value must be object or array');
    expect(failure(doc, rep('', null))).toBe('replace operation value must be object or array');
  });

  it('stops at the first failing operation, keeping the ones before it', () => {
    const d = structuredClone(doc) as PlainObject;
    expect(() => applyPatchOperations(d, [add('/y', 3), rem('/q'), add('/z', 4)])).toThrow(
      "error in remove for path: '/q': unable to remove nonexistent key: q: missing value",
    );
    expect(d).toEqual({ a: { b: 1 }, x: 2, y: 3 });
  });

  it('rejects unknown operations', () => {
    expect(failure(doc, { op: 'move', path: '/a' })).toBe('Unexpected kind: move');
  });
});
