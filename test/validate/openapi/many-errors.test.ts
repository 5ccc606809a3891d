/**
 * A value with hundreds of thousands of errors under allOf / anyOf / oneOf: each branch's
 * errors used to be added with `push(...errors)`, one call argument per error, and past about
 * 120,000 of them V8 threw "Maximum call stack size exceeded" (an internal error).
 */
import { describe, expect, it } from 'vitest';
import { type OpenAPIError, validateValue } from '../../../src/validate/openapi/value.js';

const N = 200_000;
const wrongTypes = (): Record<string, number> => {
  const v: Record<string, number> = {};
  for (let i = 0; i < N; i++) v[`k${i}`] = i;
  return v;
};
const strings = { type: 'object', additionalProperties: { type: 'string' } } as const;

describe('composition keywords with 200,000 errors in a branch', () => {
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    it(`${keyword}: every error is reported`, () => {
      const out: OpenAPIError[] = [];
      validateValue({ [keyword]: [strings] }, wrongTypes(), 'spec', out);
      const typeErrors = out.filter((e) => e.message.includes('must be of type string'));
      expect(typeErrors).toHaveLength(N);
      expect(typeErrors[0].name).toBe('spec.k0');
    });
  }
});
