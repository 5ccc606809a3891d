// Rendered outputs that differ only by the release name share one YAML parse (parse-output.ts,
// parseRenamed). The shortcut must give exactly what parsing the text gives: same objects, same
// key order, same types, same document text and lines, same errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { mergedValues } from '../../../src/gate/chart-pipeline.js';
import { parseRenderedTemplate } from '../../../src/render/chart/parse-output.js';
import { renderChartText } from '../../../src/render/chart/render.js';
import { TemplateCatalog } from '../../../src/resolve/catalog.js';
import { ClustermintError } from '../../../src/util/errors.js';
import type { PlainObject } from '../../../src/util/plain-object.js';

/** Everything a caller can see of a parse: documents (objects as JSON, key order kept) or the error. */
function seen(f: () => unknown): string {
  try {
    return JSON.stringify(f());
  } catch (e) {
    if (!(e instanceof ClustermintError)) throw e;
    return `error: ${JSON.stringify({ code: e.code, message: e.message, location: e.location, details: e.details })}`;
  }
}

/** With the name (the shortcut may apply) and without it (always a plain parse). */
function both(template: string, text: string, name: string): [string, string] {
  const withName = seen(() => parseRenderedTemplate(template, text, name));
  // a unique template name keeps the plain parse from being answered by the cache
  const plain = seen(() => parseRenderedTemplate(`${template}#plain`, text)).replaceAll(
    `${template}#plain`,
    template,
  );
  return [withName, plain];
}

const catalog = new TemplateCatalog();

describe('parsing a rendered template with the release name', () => {
  const names = [
    'dev-eu', // the usual case
    'dev-eu-2', // same length as another
    'prod.west-1.k8s', // dots
    'abc', // no letter that keeps scalars strings: each renamed string is checked
    'c12',
    'dev-01',
    '1e3', // a float when it stands alone
    '123', // an int
    'yes', // YAML 1.1 boolean, a string in the core schema
    'null-cluster',
    'x'.repeat(70), // longer than a label: the charts truncate it
    'zzzzzz', // the stand-in itself
    'v1', // short
  ];
  for (const entry of catalog.list()) {
    it(`${entry.name}: same documents as a plain parse, for every name`, () => {
      const chart = catalog.resolve(entry.dir);
      const ci = join(entry.dir, 'ci', 'example-values.yaml');
      const values = mergedValues(chart, [
        { label: ci, value: jsyaml.load(readFileSync(ci, 'utf8')) as PlainObject },
      ]);
      for (const name of names) {
        for (const t of renderChartText({ chart, values, release: { name, namespace: 'team-a' } })) {
          const [withName, plain] = both(t.name, t.text, name);
          expect(withName).toBe(plain);
        }
      }
    });
  }

  it('types, keys, quoting, block scalars, anchors and errors come out as a plain parse gives them', () => {
    const texts = (n: string) => [
      `name: ${n}\nlabels:\n  ${n}: "${n}"\n  ${n}-x: '${n}'\nlist: [${n}, ${n}-1]\n`,
      `a: &${n} {k: ${n}}\nb: *${n}\nc: |\n  --cluster-name=${n}\n  more\nd: >-\n  ${n}\n  folded\n`,
      `x: "\\u00${n}"\n`, // an escape that would take the name's first characters
      `x: "\\${n}"\n`,
      `key: ${n}\nkey: other\n`, // duplicate key: an error naming the line
      `a: ${n}\n---\nb: ${n}\n---\n# only a comment\n`,
      `n: ${n}\ncount: 1${n}\nflag: ${n}e5\nv: 0x${n}\n`,
      `list:\n- ${n}\n-  ${n}: 1\n  other: ${n}zz\n__proto__: ${n}\n`,
      `bad: [${n}\n`, // a syntax error: the message quotes the real text
    ];
    const arbName = fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,14}[a-z0-9])?$/);
    fc.assert(
      fc.property(arbName, fc.integer({ min: 0, max: 8 }), (name, i) => {
        const text = texts(name)[i];
        const [withName, plain] = both(`t${i}.yaml`, text, name);
        expect(withName).toBe(plain);
      }),
      { numRuns: 400 },
    );
    for (const name of ['dev-eu', 'e5', 'abc1', 'null', 'true', '123', 'zz', 'g', 'my-name']) {
      for (const [i, text] of texts(name).entries()) {
        const [withName, plain] = both(`t${i}.yaml`, text, name);
        expect(withName, `${name}: ${text}`).toBe(plain);
      }
    }
  });

  it('a second name with the same values reuses the parse', () => {
    const chart = catalog.resolve('aws-standalone-cp');
    const values = mergedValues(chart, []);

    const render = (name: string) =>
      renderChartText({ chart, values, release: { name, namespace: 'team-a' } }).flatMap((t) =>
        parseRenderedTemplate(t.name, t.text, name),
      );
    const first = render('reuse-one');
    const second = render('reuse-two');
    expect(second.map((d) => d.object.metadata)).toEqual(
      first.map((d) => JSON.parse(JSON.stringify(d.object.metadata).replaceAll('reuse-one', 'reuse-two'))),
    );
    expect(second.every((d) => Object.isFrozen(d) && Object.isFrozen(d.object))).toBe(true);
  });
});
