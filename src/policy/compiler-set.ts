/**
 * Which expression compiler a key, value or message uses: `(expr)` takes the default of its
 * scope (`jp` unless a `compiler:` field above says otherwise), `(jp;expr)` and `(cel;expr)`
 * name one. An unknown name yields no compiler, so the key is taken literally (as upstream).
 */
import { celCompiler } from '../cel/index.js';
import type { Compiler } from '../expression/compilers.js';
import type { NumberOrigin } from '../go/values.js';
import { jpCompiler, jpCompilerKyverno } from '../jmespath/index.js';

export interface NamedCompiler {
  name: 'jp' | 'cel';
  compiler: Compiler;
  /** The Go type of integers its results hold: JMESPath numbers are float64, CEL ints int64. */
  origin: NumberOrigin;
}

const JP: NamedCompiler = { name: 'jp', compiler: jpCompiler, origin: 'float64' };
const JP_DEFERRED: NamedCompiler = { name: 'jp', compiler: jpCompilerKyverno, origin: 'float64' };
const CEL: NamedCompiler = { name: 'cel', compiler: celCompiler, origin: 'int64' };

/**
 * How strictly policies compile: `strict` (the gate: unknown functions and wrong arities are
 * compile errors, so a broken policy is refused up front) or `kyverno-json` (`scan`: they are
 * evaluation errors, reported per resource exactly as kyverno-json does).
 */
export type CompileMode = 'strict' | 'kyverno-json';

export class CompilerSet {
  private constructor(
    readonly defaultCompiler: NamedCompiler,
    private readonly jpCompiler: NamedCompiler,
  ) {}

  static forMode(mode: CompileMode): CompilerSet {
    const jp = mode === 'strict' ? JP : JP_DEFERRED;
    return new CompilerSet(jp, jp);
  }

  get jp(): NamedCompiler {
    return this.jpCompiler;
  }

  /** A set whose default is `name` (unknown names keep the current default, as upstream). */
  withDefault(name: string | undefined): CompilerSet {
    if (name === 'jp') return new CompilerSet(this.jpCompiler, this.jpCompiler);
    if (name === 'cel') return new CompilerSet(CEL, this.jpCompiler);
    return this;
  }

  /** The compiler for a key's compiler field ('' = plain key, no compiler). */
  pick(name: string): NamedCompiler | undefined {
    if (name === 'jp') return this.jpCompiler;
    if (name === 'cel') return CEL;
    if (name === 'default') return this.defaultCompiler;
    return undefined;
  }
}
