/**
 * Handlebars' own built-in helpers are not part of a chart's language: `log` is an unknown
 * function (Helm has none; handlebars' writes to the process's stdout), the `helperMissing` and
 * `blockHelperMissing` hooks cannot be called by name, the block built-ins (`#each`, `#if`,
 * `#unless`, `#with`) refuse any other use, and the engine's internal helpers are unknown to
 * charts. Every refusal is a located error naming the helper, never a JavaScript message.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkTemplateSyntax, compileChart } from '../../../src/render/chart/engine.js';
import { ClustermintError } from '../../../src/util/errors.js';
import { run } from '../../helpers/cli.js';
import { tmpTree } from '../../helpers/tmp.js';

const FILE = 'templates/a.yaml.hbs';
const ctx = { Values: { s: '\u001b]0;pwned\u0007', l: [1, 2], m: { a: 1 } }, Release: { Name: 'r' } };

function renderOf(source: string, partial?: string) {
  const templates = [{ name: FILE, source }];
  if (partial !== undefined) templates.unshift({ name: 'templates/_helpers.hbs', source: partial });
  return compileChart(templates).render(ctx);
}

function failure(fn: () => unknown): ClustermintError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ClustermintError);
    return e as ClustermintError;
  }
  throw new Error('expected a failure');
}

/** Nothing reaches the process's console while `fn` runs. */
function silently<T>(fn: () => T): T {
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
    vi.spyOn(console, m).mockImplementation(() => undefined),
  );
  const write = vi.spyOn(process.stdout, 'write');
  try {
    return fn();
  } finally {
    for (const s of spies) expect(s).not.toHaveBeenCalled();
    expect(write).not.toHaveBeenCalled();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('handlebars built-ins in charts', () => {
  it.each([
    ['{{log Values.s}}', 'log', 1],
    ['x: 1\n  {{log @root.Values}}', 'log', 3],
    ['{{log}}', 'log', 1],
    ['{{#log 1}}x{{/log}}', 'log', 1],
    ['{{quote (log "a")}}', 'log', 9],
    ['{{helperMissing}}', 'helperMissing', 1],
    ['{{helperMissing 1}}', 'helperMissing', 1],
    ['{{#helperMissing}}x{{/helperMissing}}', 'helperMissing', 1],
    ['{{quote (helperMissing)}}', 'helperMissing', 9],
    ['{{blockHelperMissing}}', 'blockHelperMissing', 1],
    ['{{#blockHelperMissing 1}}x{{/blockHelperMissing}}', 'blockHelperMissing', 1],
    ['{{__print Values.m 1}}', '__print', 1],
    ['{{__print}}', '__print', 1],
  ])('%j is an unknown function, located, and prints nothing', (source, name, col) => {
    const e = silently(() => failure(() => renderOf(source)));
    expect(e.message).toMatch(new RegExp(`^unknown function "${name}"`));
    expect(e.location).toEqual({ file: FILE, line: source.split('\n').length, col });
  });

  it('suggests no internal name for a typo', () => {
    expect(failure(() => renderOf('{{helperMising 1}}')).message).toBe('unknown function "helperMising"');
    expect(failure(() => renderOf('{{__prin 1}}')).message).toBe('unknown function "__prin"');
  });

  it('the driver helper cannot be called from a partial', () => {
    const e = failure(() => renderOf('a', '{{#__file 0}}x{{/__file}}'));
    expect(e.message).toMatch(/^unknown function "__file"/);
    expect(e.location).toEqual({ file: 'templates/_helpers.hbs', line: 1, col: 1 });
    const inc = failure(() =>
      renderOf('b: {{include "x" this}}', '{{#define "x"}}\n{{#__file 0}}y{{/__file}}{{/define}}'),
    );
    expect(inc.message).toMatch(/^unknown function "__file"/);
    expect(inc.location).toEqual({ file: 'templates/_helpers.hbs', line: 2, col: 1 });
    // a partial runs with the main template's helpers
    const partial = failure(() =>
      renderOf('b: {{> helpers}}', '{{#if Release.Name}}\n  {{#__file 0}}y{{/__file}}\n{{/if}}'),
    );
    expect(partial.message).toMatch(/^unknown function "__file"/);
    expect(partial.location).toEqual({ file: 'templates/_helpers.hbs', line: 2, col: 3 });
    // handlebars gives a partial call no position: the caller's file only
    expect(partial.details).toEqual(['included from templates/a.yaml.hbs']);
  });

  it.each([
    ['{{each Values.l}}', 'each', 'each: use as a block, {{#each LIST}}...{{/each}}'],
    ['{{if Values.s}}', 'if', 'if: use as a block, {{#if VALUE}}...{{/if}}'],
    ['{{unless 1}}', 'unless', 'unless: use as a block, {{#unless VALUE}}...{{/unless}}'],
    ['{{with Values.m}}', 'with', 'with: use as a block, {{#with VALUE}}...{{/with}}'],
    ['{{quote (each Values.l)}}', 'each', 'each: use as a block, {{#each LIST}}...{{/each}}'],
    ['{{quote (if 1)}}', 'if', 'if: use as a block, {{#if VALUE}}...{{/if}}'],
    ['{{#each quote this}}{{/each}}', 'each', '#each: expects 1 argument, got 2'],
    ['{{#each Values.l Values.l}}x{{/each}}', 'each', '#each: expects 1 argument, got 2'],
    ['{{#each}}x{{/each}}', 'each', '#each: expects 1 argument, got 0'],
    ['{{#if}}x{{/if}}', 'if', '#if: expects 1 argument, got 0'],
    ['{{#unless 1 2}}x{{/unless}}', 'unless', '#unless: expects 1 argument, got 2'],
    ['{{#with}}x{{/with}}', 'with', '#with: expects 1 argument, got 0'],
  ])('%j is a located error naming %s', (source, _name, message) => {
    const e = failure(() => renderOf(`a: 1\n  ${source}`));
    expect(e.message).toBe(message);
    expect(e.location).toEqual({ file: FILE, line: 2, col: source.startsWith('{{quote') ? 11 : 3 });
  });

  it('blocks still work, sections over lists and values too', () => {
    const out = (s: string) => renderOf(s)[0].text;
    expect(out('{{#each Values.l}}[{{this}}]{{else}}none{{/each}}')).toBe('[1][2]');
    expect(out('{{#each Values.n}}x{{else}}none{{/each}}')).toBe('none');
    expect(out('{{#if Values.l}}y{{else}}n{{/if}}{{#unless Values.l}}y{{else}}n{{/unless}}')).toBe('yn');
    expect(out('{{#with Values.m}}{{a}}{{/with}}')).toBe('1');
    expect(out('{{#Values.l}}<{{this}}>{{/Values.l}}{{#Values.n}}x{{else}}-{{/Values.n}}')).toBe('<1><2>-');
  });

  it('a data variable is the variable, even where a function has its name (index, first, last)', () => {
    const out = (s: string) => renderOf(s)[0].text;
    expect(out('{{#each Values.l}}{{@index}}:{{@first}}:{{@last}};{{/each}}')).toBe(
      '0:true:false;1:false:true;',
    );
    expect(out('{{#each Values.l}}{{#if @first}}F{{/if}}{{add @index 1}}{{/each}}')).toBe('F12');
    expect(out('{{index Values.l 1}}{{first Values.l}}')).toBe('21');
  });

  it.each([
    ['{{*foo}}', 1, 1],
    ['a: 1\n  {{#*foo 1}}x{{/foo}}', 2, 3],
  ])('decorator %j is a located syntax error (inline partials still work)', (source, line, col) => {
    const e = failure(() => renderOf(source));
    expect(e.code).toBe('TEMPLATE_SYNTAX');
    expect(e.message).toBe(
      'template syntax error: unknown decorator "foo" (only {{#*inline "NAME"}} is supported)',
    );
    expect(e.location).toEqual({ file: FILE, line, col });
    expect(e.details[1]).toBe(`${' '.repeat(col - 1)}^`);
    // found by lint too, and in a partial (whose decorators run before anything can locate them)
    expect(checkTemplateSyntax([{ name: FILE, source }]).map((x) => x.message)).toEqual([e.message]);
    expect(failure(() => renderOf('a', source)).location).toEqual({
      file: 'templates/_helpers.hbs',
      line,
      col,
    });
    expect(renderOf('{{#*inline "p"}}P{{/inline}}[{{> p}}]')[0].text).toBe('[P]');
  });

  it('lookup by a map or a list is a located error; by a string or a number it looks up', () => {
    const e = failure(() => renderOf('a: 1\n  {{quote (lookup this Values)}}'));
    expect(e.message).toBe('lookup: cannot look up a key that is a map[string]interface {}');
    expect(e.location).toEqual({ file: FILE, line: 2, col: 11 });
    expect(failure(() => renderOf('{{lookup Values Values.l}}')).message).toBe(
      'lookup: cannot look up a key that is a []interface {}',
    );
    expect(renderOf('{{lookup Values.m "a"}}{{lookup Values.l 1}}')[0].text).toBe('12');
  });

  it.each([
    ['{{~....~}}x', '..', 1],
    ['{{Values.s 1}}', 'Values.s', 1],
    ['{{quote (Values.m 1)}}', 'Values.m', 9],
    ['{{#Values.s 1}}x{{/Values.s}}', 'Values.s', 1],
    ['{{this 1}}', 'this', 1],
    ['{{#each Values.l}}{{@index 1}}{{/each}}', '@index', 19],
  ])('a value given arguments, %j, is a located error, not a call of the value', (source, name, col) => {
    const e = failure(() => renderOf(source));
    expect(e.message).toBe(`cannot call ${JSON.stringify(name)}: only a function takes arguments`);
    expect(e.location).toEqual({ file: FILE, line: 1, col });
  });

  it('a name in the data given arguments is an unknown function, not a call of the value', () => {
    const e = failure(() => renderOf('{{#with Values.m}}{{a 1}}{{/with}}'));
    expect(e.message).toMatch(/^unknown function "a"/);
    expect(e.location).toEqual({ file: FILE, line: 1, col: 19 });
  });

  it('through `template`, {{log}} is an error on stderr and nothing reaches the terminal', async () => {
    const chart = tmpTree({
      'Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 0.1.0\n',
      'values.yaml': 's: "\\e]0;pwned\\a"\n',
      'templates/cm.yaml.hbs': 'kind: ConfigMap\ndata:\n  a: {{log Values.s}}\n',
    });
    const r = await silently(() => run('template', 'dev', chart));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/templates\/cm\.yaml\.hbs:3:6/);
    expect(r.stderr).toMatch(/unknown function "log"/);
    expect(r.stderr).not.toMatch(/\u001b|\u0007|internal error|\n\s+at /);
  });
});

describe('a block over the parent context (../) inside another block', () => {
  it('iterates maps and scalars alike (was "Cannot convert object to primitive value"; found by npm run fuzz)', async () => {
    const dir = tmpTree({
      'Chart.yaml': 'apiVersion: v2\nname: hb\nversion: 0.1.0\n',
      'values.yaml': 'a:\n  b:\n    c: x\nb: 2\n',
      'templates/_helpers.hbs':
        '{{#define "body"}}{{#with Values.a}}{{#each ../Values}}{{@key}};{{/each}}{{/with}}{{/define}}',
      'templates/cm.yaml.hbs':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  v: {{quote (include "body" this)}}\n',
    });
    const r = await run('template', dir);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('  v: a;b;\n');
    expect(r.code).toBe(0);
  });
});
