import { describe, expect, it } from 'vitest';
import {
  cloneTree,
  emptyMap,
  isPlainObject,
  MAP_PROTOTYPE,
  setOwn,
  withoutKeys,
} from '../../src/util/plain-object.js';

describe('maps from user input', () => {
  it('inherit nothing: prototype keys are absent or plain own keys', () => {
    const m = emptyMap();
    expect(m.constructor).toBeUndefined();
    expect('toString' in m).toBe(false);
    // ordinary [[Set]], as `m.__proto__ = ...` does
    Reflect.set(m, '__proto__', 'x');
    Reflect.set(m, 'constructor', 1);
    expect(Object.keys(m)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(m)).toBe(MAP_PROTOTYPE);
    expect(Object.isFrozen(MAP_PROTOTYPE)).toBe(true);
    expect(isPlainObject(m)).toBe(true);
  });

  it('stay maps when copied; ordinary objects stay ordinary', () => {
    const prototypeless = Object.create(null);
    prototypeless.a = Object.assign(Object.create(null), { b: [1, { c: 2 }] });
    const copy = cloneTree(prototypeless);
    expect(copy).toEqual({ a: { b: [1, { c: 2 }] } });
    expect(Object.getPrototypeOf(copy)).toBe(MAP_PROTOTYPE);
    expect(Object.getPrototypeOf(copy.a)).toBe(MAP_PROTOTYPE);
    expect(copy.a).not.toBe(prototypeless.a);
    expect(Object.getPrototypeOf(cloneTree({ a: 1 }))).toBe(Object.prototype);
  });

  it('keep `__proto__` an own key through copies into ordinary objects', () => {
    const src = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const copy = cloneTree(src);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
    const out = {};
    setOwn(out, '__proto__', { polluted: true });
    expect((out as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.keys(withoutKeys(src, new Set(['a'])))).toEqual(['__proto__']);
  });

  it('drop keys, undefined values and (on request) empty maps without delete', () => {
    const src = { a: 1, b: undefined, c: {}, d: { e: 1 } };
    expect(withoutKeys(src)).toEqual({ a: 1, c: {}, d: { e: 1 } });
    expect(withoutKeys(src, new Set(['a']), true)).toEqual({ d: { e: 1 } });
    expect(src).toEqual({ a: 1, b: undefined, c: {}, d: { e: 1 } });
  });
});
