/**
 * The CEL environment of kyverno-json's `cel` compiler (pkg/core/compilers/cel/env.go, cel-go
 * v0.20.1) on @marcbachmann/cel-js:
 *
 *   cel.Variable("object", cel.DynType), cel.Variable("bindings", <opaque bindings>),
 *   bindings.resolve(string) -> dyn, HomogeneousAggregateLiterals, DefaultUTCTimeZone,
 *   CrossTypeNumericComparisons, OptionalTypes, ext.Strings(), ext.Sets()
 *
 * The library has no public way to replace a built-in overload, and some of its built-ins
 * differ from cel-go (`matches` uses a backtracking JS RegExp, string indices count UTF-16
 * units, `lowerAscii` lower-cases all of Unicode). `overrideBuiltin` swaps the handler of
 * such an overload in this environment's own registry (reached through a checked AST
 * node); the version is pinned exactly in package.json and a missing overload fails at load.
 */
import { Environment } from '@marcbachmann/cel-js';
import type { Bindings } from '../expression/bindings.js';
import { cachedRe2, type RE2JS } from '../go/re2.js';
import { type CostRegistry, instrumentCosts } from './cost.js';
import { format } from './format.js';
import { setsContains, setsEquivalent, setsIntersects } from './sets.js';
import * as str from './strings.js';
import { type Duration, durationString, goFloatG, rfc3339, toCel } from './values.js';

/** The CEL value of the `bindings` variable: an opaque handle on the rule's Bindings. */
export class BindingsHandle {
  readonly #bindings: Bindings;
  constructor(bindings: Bindings) {
    this.#bindings = bindings;
  }
  /** The value of `$name`; an unknown name throws `variable not defined: $name`. */
  resolve(name: string): unknown {
    return toCel(this.#bindings.get(name));
  }
}

/** Receivers of namespaced functions (`strings.quote`, `sets.contains`), as the library's `optional.of`. */
class StringsNamespace {}
class SetsNamespace {}

/** `s.matches(re)` with Go's RE2 semantics (unanchored search); compiled patterns are cached. */
export function re2Matches(s: string, pattern: string): boolean {
  let re: RE2JS;
  try {
    re = cachedRe2(pattern);
  } catch (e) {
    throw new str.CelFunctionError((e as Error).message);
  }
  return re.test(s);
}

type Handler = (...args: any[]) => unknown;

interface FunctionDecl {
  readonly signature: string;
  readonly name: string;
  readonly receiverType: unknown;
  readonly returnType: unknown;
  readonly description: string | null;
  readonly params: unknown[];
  readonly constructor: new (init: object) => FunctionDecl;
}

interface Registry {
  functionCandidates(receiver: boolean, name: string, argCount: number): { declarations: FunctionDecl[] };
  operatorCandidates(op: string): { declarations: FunctionDecl[] };
}

/** The environment's private registry, reached through a checked call node. */
function registryOf(env: Environment): Registry {
  const probe = env.parse('"".size()');
  probe.check();
  const registry = (probe.ast as unknown as { candidates?: { registry?: Registry } }).candidates?.registry;
  if (!registry?.functionCandidates) throw new Error('cel: unsupported @marcbachmann/cel-js internals');
  return registry;
}

/** Replaces the handler of the built-in overload with exactly this signature. */
function overrideBuiltin(registry: Registry, signature: string, handler: Handler): void {
  const m = /^(?:([\w.<>]+)\.)?(\w+)\(([^)]*)\):/.exec(signature);
  if (!m) throw new Error(`cel: bad signature ${signature}`);
  const arity = m[3].trim() === '' ? 0 : m[3].split(',').length;
  const candidates = registry.functionCandidates(!!m[1], m[2], arity);
  const i = candidates.declarations.findIndex((d) => d.signature === signature);
  if (i < 0) throw new Error(`cel: no built-in overload ${signature} to override`);
  const d = candidates.declarations[i];
  candidates.declarations[i] = new d.constructor({
    name: d.name,
    receiverType: d.receiverType,
    returnType: d.returnType,
    description: d.description,
    params: d.params,
    handler,
    async: false,
  });
}

/** Parse-time limits: cel-go's recursion limit; no practical cap on literal sizes. */
const LIMITS = {
  maxAstNodes: 100_000,
  maxDepth: 250,
  maxListElements: 100_000,
  maxMapEntries: 100_000,
  maxCallArguments: 256,
};

function createEnvironment(): Environment {
  return newCelEnvironment((env) =>
    env
      .registerType('bindings', { ctor: BindingsHandle, fields: {} })
      .registerVariable('object', 'dyn')
      .registerVariable('bindings', 'bindings')
      .registerFunction('bindings.resolve(string): dyn', (b: BindingsHandle, name: string) =>
        b.resolve(name),
      ),
  );
}

/**
 * A new environment with the library (standard overloads fixed to cel-go, ext.Strings,
 * ext.Sets); `declare` adds the variables and types of its user (kyverno-json's `object` and
 * `bindings`, or a CRD schema's `self` and `oldSelf`).
 */
export function newCelEnvironment(declare: (env: Environment) => Environment): Environment {
  const env = declare(
    new Environment({
      unlistedVariablesAreDyn: false,
      // Checked by literals.ts with cel-go's rules instead.
      homogeneousAggregateLiterals: false,
      enableOptionalTypes: true,
      limits: LIMITS,
    }),
  )
    // ext.Strings(): overloads the library lacks.
    .registerFunction('string.charAt(int): string', str.charAt)
    .registerFunction('string.replace(string, string): string', (s: string, o: string, n: string) =>
      str.replace(s, o, n),
    )
    .registerFunction('string.replace(string, string, int): string', str.replace)
    .registerFunction('string.reverse(): string', str.reverse)
    .registerFunction('string.format(list): string', format)
    .registerType('StringsNamespace', StringsNamespace)
    .registerConstant('strings', 'StringsNamespace', new StringsNamespace())
    .registerFunction('StringsNamespace.quote(string): string', (_: unknown, s: string) => str.quote(s))
    // ext.Sets(). Declared over list<dyn> rather than cel-go's (list(T), list(T)): the library's
    // runtime dispatch types a dyn list by its first element, so a typed declaration would fail
    // on payload lists of mixed types; the cost is that `sets.contains([1], [1.0])` compiles.
    .registerType('SetsNamespace', SetsNamespace)
    .registerConstant('sets', 'SetsNamespace', new SetsNamespace())
    .registerFunction('SetsNamespace.contains(list, list): bool', (_: unknown, a: unknown[], b: unknown[]) =>
      setsContains(a, b),
    )
    .registerFunction(
      'SetsNamespace.equivalent(list, list): bool',
      (_: unknown, a: unknown[], b: unknown[]) => setsEquivalent(a, b),
    )
    .registerFunction(
      'SetsNamespace.intersects(list, list): bool',
      (_: unknown, a: unknown[], b: unknown[]) => setsIntersects(a, b),
    )
    // Standard overloads the library lacks.
    .registerFunction('matches(string, string): bool', re2Matches)
    .registerFunction('string(google.protobuf.Timestamp): string', rfc3339)
    .registerFunction('string(google.protobuf.Duration): string', (d: Duration) => durationString(d));

  const registry = registryOf(env);
  const override = (signature: string, handler: Handler) => overrideBuiltin(registry, signature, handler);
  override('string.matches(string): bool', re2Matches);
  override('string(double): string', goFloatG);
  override('string.lowerAscii(): string', str.lowerAscii);
  override('string.upperAscii(): string', str.upperAscii);
  override('string.trim(): string', str.trim);
  override('string.indexOf(string): int', (s: string, sub: string) => str.indexOf(s, sub));
  override('string.indexOf(string, int): int', str.indexOf);
  override('string.lastIndexOf(string): int', (s: string, sub: string) => str.lastIndexOf(s, sub));
  override('string.lastIndexOf(string, int): int', str.lastIndexOf);
  override('string.substring(int): string', (s: string, start: bigint) => str.substring(s, start));
  override('string.substring(int, int): string', str.substring);
  override('string.split(string): list<string>', (s: string, sep: string) => str.split(s, sep));
  override('string.split(string, int): list<string>', str.split);
  override('list<string>.join(): string', (l: unknown[]) => str.join(l));
  override('list<string>.join(string): string', str.join);
  // last: every overload it wraps must be registered
  instrumentCosts(env, registry as unknown as CostRegistry);
  return env;
}

/** The shared environment (built on first use). */
let shared: Environment | undefined;
export function celEnvironment(): Environment {
  shared ??= createEnvironment();
  return shared;
}
