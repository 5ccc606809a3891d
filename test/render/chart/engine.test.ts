import { describe, expect, it, vi } from 'vitest';
import { checkTemplateSyntax, compileChart } from '../../../src/render/chart/engine.js';
import { parseRenderedTemplate } from '../../../src/render/chart/parse-output.js';
import { ClustermintError } from '../../../src/util/errors.js';

const helpers = {
  name: 'templates/_helpers.hbs',
  source: [
    '{{#define "cluster.name"}}{{trimSuffix "-" (trunc 63 Release.Name)}}{{/define}}',
    '{{#define "labels"}}',
    'cluster: {{include "cluster.name" this}}',
    'team: {{Values.team}}',
    '{{/define}}',
    '{{#define "broken"}}',
    'x: {{required "team is required" Values.missing}}',
    '{{/define}}',
    '{{#define "loop"}}{{include "loop" this}}{{/define}}',
  ].join('\n'),
};
const ctx = { Release: { Name: 'dev-1', Namespace: 'team-a' }, Values: { team: 'a' } };

function failure(fn: () => unknown): ClustermintError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ClustermintError);
    return e as ClustermintError;
  }
  throw new Error('expected a failure');
}

describe('define / include', () => {
  it('renders named templates with a context, usable with nindent', () => {
    const chart = compileChart([
      helpers,
      {
        name: 'templates/a.yaml.hbs',
        source: 'name: {{include "cluster.name" this}}\nlabels:{{nindent 2 (include "labels" this)}}',
      },
    ]);
    expect(chart.defines).toEqual(['broken', 'cluster.name', 'labels', 'loop']);
    expect(chart.render(ctx)[0].text).toBe('name: dev-1\nlabels:\n  cluster: dev-1\n  team: a');
  });

  it('renders templates in name order and skips partials', () => {
    const chart = compileChart([
      { name: 'templates/b.yaml.hbs', source: 'b' },
      helpers,
      { name: 'templates/a.yaml.hbs', source: 'a' },
    ]);
    expect(chart.render(ctx).map((t) => t.name)).toEqual(['templates/a.yaml.hbs', 'templates/b.yaml.hbs']);
  });

  it('an error inside an include names the partial line and the caller', () => {
    const chart = compileChart([
      helpers,
      { name: 'templates/a.yaml.hbs', source: 'a: 1\n{{include "broken" this}}' },
    ]);
    const e = failure(() => chart.render(ctx));
    expect(e.message).toBe('team is required');
    expect(e.location).toMatchObject({ file: 'templates/_helpers.hbs', line: 7, col: 4 });
    expect(e.details).toEqual(['included from templates/a.yaml.hbs:2:1']);
  });

  it('stops runaway recursion with a clear error', () => {
    const chart = compileChart([
      helpers,
      { name: 'templates/a.yaml.hbs', source: '{{include "loop" this}}' },
    ]);
    expect(failure(() => chart.render(ctx)).message).toMatch(/nested more than 64 deep/);
  });

  it('suggests the closest define on a typo', () => {
    const chart = compileChart([
      helpers,
      { name: 'templates/a.yaml.hbs', source: '{{include "cluster.nam" this}}' },
    ]);
    expect(failure(() => chart.render(ctx)).message).toBe(
      'include: no template named "cluster.nam" (did you mean "cluster.name"?)',
    );
  });

  it('caches compiled charts by content', () => {
    const t = [{ name: 'templates/a.yaml.hbs', source: 'x' }];
    expect(compileChart(t)).toBe(compileChart([{ ...t[0] }]));
    expect(compileChart(t)).not.toBe(compileChart([{ name: 'templates/a.yaml.hbs', source: 'y' }]));
  });
});

describe('prototype properties', () => {
  it('a name found only on a prototype prints nothing, and handlebars writes nothing to stderr', () => {
    const spies = (['error', 'warn', 'log', 'info'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => {}),
    );
    const writes = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const chart = compileChart([
        {
          name: 'templates/_p.hbs',
          source: '{{#define "p"}}{{Release.propertyIsEnumerable}}{{/define}}{{Release.valueOf}}',
        },
        {
          name: 'templates/a.yaml.hbs',
          source: 'a: "{{Release.toLocaleString}}{{Release.Name.constructor}}{{include "p" this}}"',
        },
      ]);
      expect(chart.render(ctx)[0].text).toBe('a: ""');
      for (const spy of [...spies, writes]) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of [...spies, writes]) spy.mockRestore();
    }
  });
});

describe('template syntax errors', () => {
  it('names the file, line and column', () => {
    const e = failure(() =>
      compileChart([{ name: 'templates/bad.yaml.hbs', source: 'a: 1\nb: {{#if x}}\nc: {{/each}}\n' }]),
    );
    expect(e.code).toBe('TEMPLATE_SYNTAX');
    expect(e.location).toMatchObject({ file: 'templates/bad.yaml.hbs', line: 2 });
    expect(e.message).toMatch(/if doesn't match each/);
  });

  it('explains the }}} flow-mapping pitfall', () => {
    const [e] = checkTemplateSyntax([
      { name: 'templates/x.yaml.hbs', source: 'a: 1\nb: {name: {{Values.name}}}\n' },
    ]);
    expect(e.location).toMatchObject({ line: 2, col: 24 });
    expect(e.details.join('\n')).toMatch(/closes a triple-stash/);
  });

  it('checkTemplateSyntax reports every broken file', () => {
    const errs = checkTemplateSyntax([
      { name: 'a', source: '{{#if}}' },
      { name: 'b', source: 'fine' },
      { name: 'c', source: '{{x' },
    ]);
    expect(errs.map((e) => e.location?.file)).toEqual(['a', 'c']);
  });
});

describe('rendered output parsing', () => {
  it('splits documents, skips empty ones and records lines', () => {
    const docs = parseRenderedTemplate(
      't',
      '---\n# comment only\n---\nkind: A\nmetadata: {name: a}\n---\n\n---\nkind: B\n',
    );
    expect(docs.map((d) => [d.object.kind, d.line, d.index])).toEqual([
      ['A', 4, 2],
      ['B', 9, 4],
    ]);
  });

  it('rejects duplicate keys with the rendered line', () => {
    const e = failure(() => parseRenderedTemplate('t', 'kind: A\nmetadata:\n  name: a\n  name: b\n'));
    expect(e.code).toBe('YAML_SYNTAX');
    expect(e.message).toMatch(/duplicated mapping key/);
    expect(e.location).toMatchObject({ file: 't (rendered)', line: 4 });
  });

  it('rejects tabs used for indentation', () => {
    expect(failure(() => parseRenderedTemplate('t', 'a:\n\tb: 1\n')).code).toBe('YAML_SYNTAX');
  });

  it('bounds alias expansion (billion laughs)', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const p = String.fromCharCode(97 + i - 1);
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [*${p},*${p},*${p},*${p},*${p},*${p},*${p},*${p},*${p},*${p}]`,
      );
    }
    const e = failure(() => parseRenderedTemplate('t', lines.join('\n')));
    expect(e.code).toBe('YAML_ALIASES');
  });

  it('a document must be a map', () => {
    expect(failure(() => parseRenderedTemplate('t', '- a\n- b\n')).code).toBe('OBJECT_INVALID');
  });

  it('keeps __proto__ as a plain key', () => {
    const [d] = parseRenderedTemplate('t', 'kind: A\n__proto__:\n  polluted: true\n');
    expect(Object.keys(d.object)).toContain('__proto__');
    expect(({} as any).polluted).toBeUndefined();
  });
});
