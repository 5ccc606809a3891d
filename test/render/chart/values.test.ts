import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coalesceValues, mergeUserValues, parseSetArgument } from '../../../src/render/chart/values.js';
import { SetBudget } from '../../../src/render/helm/strvals.js';

const plain = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('values merging (Helm semantics)', () => {
  it('merges maps, replaces lists and scalars, later sources win', () => {
    const defaults = { a: { b: 1, c: [1, 2] }, d: 'x' };
    const user = mergeUserValues([{ a: { c: [9] } }, { a: { e: true }, d: 'y' }]);
    expect(plain(coalesceValues(defaults, user))).toEqual({ a: { b: 1, c: [9], e: true }, d: 'y' });
  });

  it('a user null removes the key, also under a default map', () => {
    const out = coalesceValues(
      { a: { b: 1, c: 2 }, keep: 1 },
      mergeUserValues([{ a: { b: null } }, { keep: null }]),
    );
    expect(plain(out)).toEqual({ a: { c: 2 } });
  });

  it('a later file can bring back a key an earlier file nulled', () => {
    const out = coalesceValues({ a: { b: 1 } }, mergeUserValues([{ a: null }, { a: { c: 2 } }]));
    expect(plain(out)).toEqual({ a: { b: 1, c: 2 } });
  });

  it('does not mutate its inputs', () => {
    const defaults = { a: { b: 1 } };
    const user = { a: { c: 2 } };
    coalesceValues(defaults, mergeUserValues([user]));
    expect(defaults).toEqual({ a: { b: 1 } });
    expect(user).toEqual({ a: { c: 2 } });
  });

  it('treats __proto__ and constructor as plain keys (no prototype pollution)', () => {
    const evil = JSON.parse(
      '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
    );
    const out = coalesceValues({}, mergeUserValues([evil]));
    expect(({} as any).polluted).toBeUndefined();
    expect(Object.keys(out).sort()).toEqual(['__proto__', 'constructor']);
    expect((out as any).__proto__).toEqual({ polluted: true });
  });

  // Property tests: arbitrary JSON trees.
  const key = fc.constantFrom('a', 'b', 'c', 'd');
  const scalar = fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.boolean());
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small' },
      scalar,
      fc.array(scalar, { maxLength: 3 }),
      fc.dictionary(key, tie('tree'), { maxKeys: 3 }),
    ),
  }));
  const map = fc.dictionary(key, tree, { maxKeys: 4 });

  it('property: every top-level scalar or list of the last source wins', () => {
    fc.assert(
      fc.property(map, map, map, (defaults, first, last) => {
        const out = coalesceValues(defaults, mergeUserValues([first, last]));
        for (const [k, v] of Object.entries(last)) {
          if (v === null || typeof v !== 'object' || Array.isArray(v))
            expect(plain(out[k])).toEqual(plain(v));
        }
      }),
    );
  });

  it('property: keys no source mentions keep their default', () => {
    fc.assert(
      fc.property(map, map, (defaults, user) => {
        const out = coalesceValues(defaults, mergeUserValues([user]));
        for (const [k, v] of Object.entries(defaults))
          if (!(k in user)) expect(plain(out[k])).toEqual(plain(v));
      }),
    );
  });

  it('property: merging is idempotent (applying the same source twice changes nothing)', () => {
    fc.assert(
      fc.property(map, map, (defaults, user) => {
        const once = coalesceValues(defaults, mergeUserValues([user]));
        const twice = coalesceValues(defaults, mergeUserValues([user, user]));
        expect(plain(twice)).toEqual(plain(once));
      }),
    );
  });

  it('property: a key set to null loses its default; one without a default stays null (as Helm)', () => {
    fc.assert(
      fc.property(map, fc.array(key, { maxLength: 3 }), (defaults, nulled) => {
        const user = Object.fromEntries(nulled.map((k) => [k, null]));
        const out = coalesceValues(defaults, mergeUserValues([user]));
        for (const k of nulled) {
          if (Object.hasOwn(defaults, k)) expect(Object.hasOwn(out, k)).toBe(false);
          else expect(out[k]).toBeNull();
        }
      }),
    );
  });
});

describe('--set (Helm strvals)', () => {
  it('parses nested keys, list indexes and typed values', () => {
    expect(plain(parseSetArgument('a.b[0].c=v,n=3,t=true,f=false,z=null,s=03'))).toEqual({
      a: { b: [{ c: 'v' }] },
      n: 3,
      t: true,
      f: false,
      z: null,
      s: '03',
    });
  });

  it('parses lists in braces and escaped separators', () => {
    expect(plain(parseSetArgument('l={a,b,1},k\\.dotted=x\\,y'))).toEqual({
      l: ['a', 'b', 1],
      'k.dotted': 'x,y',
    });
  });

  it('keeps strings with --set-string', () => {
    expect(plain(parseSetArgument('n=3,b=true', true))).toEqual({ n: '3', b: 'true' });
  });

  it('pads lists with null up to the index', () => {
    expect(plain(parseSetArgument('l[2]=x'))).toEqual({ l: [null, null, 'x'] });
  });

  it('rejects an assignment without = and huge indexes', () => {
    expect(() => parseSetArgument('novalue')).toThrow(/expected key=value/);
    expect(() => parseSetArgument('a[99999999]=1')).toThrow(
      /index of 99999999 is greater than maximum supported index of 65536/,
    );
  });

  it("an empty name between dots is an error with Helm's text, not normalised away", () => {
    // Helm 4.3.2: failed parsing --set data: key map "a" has no value
    expect(() => parseSetArgument('a..b=1')).toThrow(/^--set "a\.\.b=1": key map "a" has no value$/);
    expect(() => parseSetArgument('x=1,a.b..c=2')).toThrow(/--set "a\.b\.\.c=2": key map "b" has no value$/);
    expect(() => parseSetArgument('a.=1')).toThrow(/key map "a" has no value/);
    expect(() => parseSetArgument('a..=1')).toThrow(/key map "" has no value/);
    expect(() => parseSetArgument('a[0]..b=1', true)).toThrow(
      /^--set-string .*key map "a\[0\]" has no value/,
    );
    // an escaped dot is part of a name
    expect(plain(parseSetArgument('a.\\.b=1'))).toEqual({ a: { '.b': 1 } });
  });

  it('a path nests at most 100 maps and lists; 5,000 levels are an error, not a stack overflow', () => {
    const names = (n: number) => `${Array.from({ length: n + 1 }, () => 'a').join('.')}=1`;
    expect(() => parseSetArgument(names(100))).not.toThrow();
    const message = /--set "a\.a.*: value nests deeper than the maximum of 100 levels/;
    expect(() => parseSetArgument(names(101))).toThrow(message);
    expect(() => parseSetArgument(names(5000))).toThrow(message);
    expect(() => parseSetArgument(`l${'[0]'.repeat(101)}=1`)).toThrow(/deeper than the maximum of 100/);
    expect(() => parseSetArgument(`${'a[0].'.repeat(60)}b=1`, true)).toThrow(
      /^--set-string .*deeper than the maximum of 100/,
    );
  });

  it('the list items that indices create are bounded across the flags sharing one budget', () => {
    const budget = new SetBudget();
    for (let i = 0; i < 15; i++) parseSetArgument(`l${i}[65536]=1`, false, budget);
    expect(() => parseSetArgument('l15[65536]=1', false, budget)).toThrow(
      /--set "l15\[65536\]=1": list indices would create over 1,048,576 list items in all/,
    );
    // a fresh budget (another command) starts again
    expect(() => parseSetArgument('l15[65536]=1')).not.toThrow();
    expect(() => parseSetArgument(`n${'[65536]'.repeat(20)}=1`)).toThrow(/over 1,048,576 list items/);
  });

  it('property: a.b.c=v round-trips any simple key path and integer', () => {
    const seg = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
    fc.assert(
      fc.property(
        fc.array(seg, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: -1e6, max: 1e6 }),
        (path, n) => {
          const out = parseSetArgument(`${path.join('.')}=${n}`);
          let cur: any = out;
          for (const p of path.slice(0, -1)) cur = cur[p];
          expect(cur[path[path.length - 1]]).toBe(n);
        },
      ),
    );
  });
});
