/**
 * One place that builds ajv instances: draft-07 and 2020-12, formats, all errors, and RE2 for
 * every `pattern` (schemas come from users; JavaScript regexps would differ from Kubernetes'
 * Go RE2 and could be made to backtrack for ever). ajv is loaded on first use: the schemas
 * clustermint ships are compiled at build time (see precompiled.ts), so most runs never need it.
 */
import { createRequire } from 'node:module';
import type { Ajv, Options } from 'ajv';
import { cachedRe2 } from '../go/re2.js';

const require = createRequire(import.meta.url);

type RegExpLike = { test(s: string): boolean; toString(): string };
/** An RE2 engine for ajv. ajv caches patterns by toString(), so each prints its own pattern. */
export function re2RegExp(pattern: string, _flags?: string): RegExpLike {
  const re = cachedRe2(pattern); // compiled now, so a bad pattern fails the schema compile
  return { test: (s: string) => re.test(s), toString: () => `/${pattern}/` };
}

export type SchemaDialect = 'draft-07' | '2020-12';

export function dialectOf(schema: object): SchemaDialect {
  const s = (schema as { $schema?: unknown }).$schema;
  return typeof s === 'string' && /2020-12|2019-09/.test(s) ? '2020-12' : 'draft-07';
}

/**
 * @param regExpCode for standalone code generation: the expression generated modules use to
 *   reach the RE2 engine (a `require(...)` of a CommonJS copy of re2RegExp).
 */
export function createAjv(dialect: SchemaDialect, regExpCode?: string): Ajv {
  const engine = Object.assign((p: string, f: string) => re2RegExp(p, f), {
    code: regExpCode ?? 're2RegExp',
  });
  const options: Options = {
    allErrors: true,
    strict: false,
    loadSchema: undefined, // never fetch a $ref over the network or from disk
    code: { regExp: engine as any, ...(regExpCode ? { source: true } : {}) },
    validateFormats: true,
  };
  const AjvClass = dialect === '2020-12' ? require('ajv/dist/2020').Ajv2020 : require('ajv').Ajv;
  const ajv: Ajv = new AjvClass(options);
  require('ajv-formats')(ajv);
  // Kubernetes' extensions are accepted as annotations.
  for (const kw of [
    'x-kubernetes-int-or-string',
    'x-kubernetes-preserve-unknown-fields',
    'x-kubernetes-group-version-kind',
  ]) {
    ajv.addKeyword(kw);
  }
  return ajv;
}
