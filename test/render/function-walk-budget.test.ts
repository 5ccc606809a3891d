/**
 * Template functions that walk or build caller-sized values count against the render's work
 * budget (src/util/work-budget.ts) while they work, not only by what they return: deepEqual on
 * maps that nest one map twice 30 times (2^30 pairs), `merge` copying a large map in a loop,
 * `regexReplaceAll` with `$1` repeated (a result past V8's string
 * limit), and the quadratic `uniq` and `omit`. Each stops at the budget with a located error,
 * or is linear.
 */
import { describe, expect, it } from 'vitest';
import { compileGo, replaceAll } from '../../src/go/regexp.js';
import { compileChart } from '../../src/render/chart/engine.js';
import {
  GoTemplateWorkLimitError,
  hermeticSprigFuncs,
  parseGoTemplate,
} from '../../src/render/gotemplate/index.js';
import { LIMITS } from '../../src/util/limits.js';
import { WorkLimitError } from '../../src/util/work-budget.js';

const STEPS = LIMITS.maxTemplateSteps.toLocaleString('en-US');
const CHARS = LIMITS.maxTemplateOutputChars.toLocaleString('en-US');

/** Runs `fn`, which must fail within a few seconds, and returns its error. */
function failsQuickly(fn: () => unknown): Error {
  const t0 = performance.now();
  try {
    fn();
  } catch (e) {
    expect(performance.now() - t0).toBeLessThan(10_000);
    return e as Error;
  }
  throw new Error('expected a failure');
}

const go = (text: string, data: unknown = {}) =>
  parseGoTemplate(text, { funcs: hermeticSprigFuncs }).execute(data);

/** `$d` and `$e`: equal maps, each holding the previous level twice, `levels` deep. */
const sharedMaps = (levels: number) =>
  `{{ $d := dict "a" 1 }}{{ $e := dict "a" 1 }}{{ range until ${levels} }}` +
  '{{ $d = dict "x" $d "y" $d }}{{ $e = dict "x" $e "y" $e }}{{ end }}';

/** `$1` repeated `n` times: each match of `(.*)` comes back n times. */
const ones = (n: number) => '$1'.repeat(n);

describe('Go templates (Helm charts, ClusterClass patches)', () => {
  it('deepEqual of two maps that nest one map twice, 30 levels, stops at the step limit', () => {
    const e = failsQuickly(() => go(`${sharedMaps(30)}{{ deepEqual $d $e }}`));
    expect(e).toBeInstanceOf(GoTemplateWorkLimitError);
    expect(e.message).toContain(`more than ${STEPS} steps`);
    expect(e.message).toMatch(/template:1:\d+: executing "template" at <deepEqual \$d \$e>/);
    // small ones still compare
    expect(go(`${sharedMaps(3)}{{ deepEqual $d $e }}`)).toBe('true');
  });

  it('has, without and uniq compare with the same budget', () => {
    const e = failsQuickly(() => go(`${sharedMaps(30)}{{ has $e (list $d) }}`));
    expect(e).toBeInstanceOf(GoTemplateWorkLimitError);
    expect(e.message).toContain(`more than ${STEPS} steps`);
    expect(failsQuickly(() => go(`${sharedMaps(30)}{{ uniq (list $d $e) | len }}`))).toBeInstanceOf(
      GoTemplateWorkLimitError,
    );
  });

  it('uniq of 100,000 scalars is linear and keeps the first of each, in order, by type and value', () => {
    const t0 = performance.now();
    expect(go('{{ $l := until 100000 }}{{ uniq (concat $l $l) | len }}')).toBe('100000');
    expect(performance.now() - t0).toBeLessThan(5_000);
    // a string "1" and an int 1 differ (reflect.DeepEqual's same-type rule), as do nil and ""
    expect(go('{{ uniq (list 1 "1" 1 2 "" nil "" nil (list 1) (list 1) (dict) (dict)) }}')).toBe(
      '[1 1 2  <nil> [1] map[]]',
    );
  });

  it('omit with many names is linear in the map and the names', () => {
    const names = Array.from({ length: 20_000 }, (_, i) => `"${i}"`).join(' ');
    const t0 = performance.now();
    const out = go(
      `{{ $d := dict }}{{ range until 200000 }}{{ $_ := set $d (toString .) 1 }}{{ end }}{{ len (omit $d ${names}) }}`,
    );
    expect(out).toBe('180000');
    expect(performance.now() - t0).toBeLessThan(3_000); // 9 s when each key searched the names
  });

  it('regexReplaceAll with $1 repeated stops before it builds a string past the output limit', () => {
    const call = (inner: string, n: number) => `(regexReplaceAll "(.*)" ${inner} "${ones(n)}")`;
    const text = `{{ ${call(call(call('"abcdefghij"', 200), 2000), 2000)} | len }}`;
    const e = failsQuickly(() => go(text));
    expect(e).toBeInstanceOf(GoTemplateWorkLimitError);
    expect(e.message).toContain(`more than ${CHARS} characters of output`);
    expect(e.message).toMatch(/at <regexReplaceAll/);
    // Go's expansion itself is unchanged
    expect(go('{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W$$" }}')).toBe('-W$-xxW$-');
  });
});

describe('handlebars charts', () => {
  const render = (source: string, Values: object) =>
    compileChart([{ name: 'templates/a.yaml.hbs', source }]).render({
      Release: { Name: 'dev', Namespace: 'ns' },
      Values,
    });

  it('merge copying a large nested map in a loop stops at the step limit, at the merge', () => {
    const inner: Record<string, unknown> = {};
    for (let i = 0; i < 300_000; i++) inner[`k${i}`] = { v: i };
    const Values = { big: { a: inner }, list: Array.from({ length: 1000 }, (_, i) => i) };
    const e = failsQuickly(() =>
      render('a: {{#each Values.list}}\n{{#if (merge (dict) @root.Values.big)}}.{{/if}}{{/each}}\n', Values),
    );
    expect(e).toBeInstanceOf(WorkLimitError);
    expect(e.message).toContain(`more than ${STEPS} steps`);
    expect((e as WorkLimitError).location).toMatchObject({ file: 'templates/a.yaml.hbs', line: 2 });
  });

  it('regexReplaceAll with $1 repeated stops at the output limit, located', () => {
    const call = (inner: string, n: number) => `(regexReplaceAll "(.*)" ${inner} "${ones(n)}")`;
    const e = failsQuickly(() =>
      render(`a: {{len ${call(call(call('"abcdefghij"', 200), 2000), 2000)}}}\n`, {}),
    );
    expect(e).toBeInstanceOf(WorkLimitError);
    expect(e.message).toContain(`more than ${CHARS} characters of output`);
    expect((e as WorkLimitError).location).toMatchObject({ file: 'templates/a.yaml.hbs', line: 1 });
  });
});

describe("Go's ReplaceAll", () => {
  it('asks before each piece how large the result may grow', () => {
    const asked: number[] = [];
    const out = replaceAll(compileGo('(b+)'), 'abbcb', '<$1>', false, (n) => asked.push(n));
    expect(out).toBe('a<bb>c<b>');
    expect(asked[asked.length - 1]).toBe(out.length);
    expect(asked).toEqual([...asked].sort((x, y) => x - y));
    expect(() =>
      replaceAll(compileGo('(.*)'), 'abc', ones(100), false, (n) => {
        if (n > 50) throw new Error('too large');
      }),
    ).toThrow('too large');
  });
});
