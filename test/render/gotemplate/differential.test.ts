/**
 * Differential test: the hand-written corpus and fast-check generated templates run through
 * our engine and Go's text/template + sprig (tools/gotemplate-ref). Output, and error text,
 * must be identical. Deliberate differences are listed in KNOWN_DIFFERENCES.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GoTemplateError,
  hermeticSprigFuncs,
  parseGoTemplate,
} from '../../../src/render/gotemplate/index.js';
import { type Case, engineCases, sprigCases } from './corpus.js';
import { generatedData, templateArbitrary } from './generate.js';
import { findReference, type RefResult, runReference } from './reference.js';

const ref = findReference();
if (!ref.bin) console.warn(`skipping the gotemplate differential test: ${ref.reason}`);

function runOurs(c: Case): RefResult {
  try {
    const t = parseGoTemplate(c.template, {
      name: c.name ?? 'tpl',
      funcs: hermeticSprigFuncs,
      missingKey: c.missingKey,
    });
    return { output: t.execute(c.data) };
  } catch (e) {
    if (e instanceof GoTemplateError) return { error: e.message };
    throw e;
  }
}

/**
 * Deliberate differences, applied to Go's result before comparing:
 * - template call depth is limited to 1000 (Go: 100000).
 */
function normaliseGo(r: RefResult): RefResult {
  if ('error' in r) {
    return {
      error: r.error.replace(
        'exceeded maximum template depth (100000)',
        'exceeded maximum template depth (1000)',
      ),
    };
  }
  return r;
}

function compare(cases: readonly Case[]): string[] {
  const theirs = runReference(ref.bin!, cases).map(normaliseGo);
  const diffs: string[] = [];
  cases.forEach((c, i) => {
    const ours = runOurs(c);
    if (JSON.stringify(ours) !== JSON.stringify(theirs[i])) {
      diffs.push(
        `#${i} ${JSON.stringify(c.template)} data=${JSON.stringify(c.data)}\n  go: ${JSON.stringify(theirs[i])}\n  ts: ${JSON.stringify(ours)}`,
      );
    }
  });
  return diffs;
}

describe.skipIf(!ref.bin)('Go text/template differential', () => {
  it(`engine corpus (${engineCases.length} cases) matches Go`, () => {
    expect(compare(engineCases)).toEqual([]);
  });

  it(`sprig corpus (${sprigCases.length} cases) matches Go + sprig`, () => {
    expect(compare(sprigCases)).toEqual([]);
  });

  it('generated templates match Go', () => {
    const samples = fc.sample(templateArbitrary, { numRuns: 600, seed: 20251125 });
    const cases: Case[] = samples.map((template) => ({ template, data: generatedData }));
    expect(compare(cases)).toEqual([]);
  });
});
