/**
 * Assertion messages with `{{ expr }}` placeholders, always JMESPath, evaluated against the
 * rule's resource with the rule's bindings (kyverno-json's pkg/core/message).
 */
import type { Bindings } from '../expression/bindings.js';
import type { Program } from '../expression/compilers.js';
import { jpCompilerDeferred as jpCompiler } from '../jmespath/index.js';

interface Substitution {
  placeholder: string;
  statement: string;
  program: () => Program;
}

export interface Message {
  original: string;
  format(resource: unknown, bindings: Bindings): string;
}

export function parseMessage(text: string): Message {
  const subs: Substitution[] = [];
  for (const m of text.matchAll(/{{(.*?)}}/g)) {
    const statement = m[1].trim();
    let compiled: Program | undefined;
    subs.push({
      placeholder: m[0],
      statement,
      program: (): Program => {
        if (!compiled) compiled = jpCompiler.compile(statement) as Program;
        return compiled;
      },
    });
  }
  return {
    original: text,
    format(resource, bindings) {
      let out = text;
      for (const s of subs) {
        let replacement: string;
        try {
          const result = s.program().evaluate(resource, bindings);
          if (result === null || result === undefined) replacement = `ERR (${s.statement} not found)`;
          else if (typeof result !== 'string') replacement = `ERR (${s.statement} not a string)`;
          else replacement = result;
        } catch (e) {
          replacement = `ERR (${s.statement} - ${e instanceof Error ? e.message : String(e)})`;
        }
        out = out.split(s.placeholder).join(replacement);
      }
      return out;
    },
  };
}
