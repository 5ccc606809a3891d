/**
 * One place that builds ajv instances: draft-07 and 2020-12, formats, all errors, and RE2 for
 * every `pattern` (schemas come from users; JavaScript regexps would differ from Kubernetes'
 * Go RE2 and could be made to backtrack for ever).
 */
import { Ajv, type Options } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { RE2JS } from 're2js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const compiledPatterns = new Map<string, { test(s: string): boolean; toString(): string }>();

// ajv caches patterns by the engine's toString(), so each wrapper must print its own pattern.
function re2RegExp(pattern: string, _flags: string) {
  let rx = compiledPatterns.get(pattern);
  if (!rx) {
    const re = RE2JS.compile(pattern);
    rx = { test: (s: string) => re.test(s), toString: () => `/${pattern}/` };
    compiledPatterns.set(pattern, rx);
  }
  return rx;
}
re2RegExp.code = 'RE2JS (runtime only)';

const OPTIONS: Options = {
  allErrors: true,
  verbose: true,
  strict: false,
  // Keep schemas from pulling anything over the network or disk.
  loadSchema: undefined,
  code: { regExp: re2RegExp as any },
  // Kubernetes int-or-string and friends are fine as unknown keywords.
  validateFormats: true,
};

export type SchemaDialect = 'draft-07' | '2020-12';

export function dialectOf(schema: object): SchemaDialect {
  const s = (schema as { $schema?: unknown }).$schema;
  return typeof s === 'string' && /2020-12|2019-09/.test(s) ? '2020-12' : 'draft-07';
}

export function createAjv(dialect: SchemaDialect): Ajv {
  const ajv = dialect === '2020-12' ? new Ajv2020(OPTIONS) : new Ajv(OPTIONS);
  addFormats(ajv as Ajv);
  for (const kw of [
    'x-kubernetes-int-or-string',
    'x-kubernetes-preserve-unknown-fields',
    'x-kubernetes-group-version-kind',
  ]) {
    ajv.addKeyword(kw);
  }
  return ajv as Ajv;
}
