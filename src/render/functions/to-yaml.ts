/**
 * `toYaml` as Helm prints it (go-yaml v2 through sigs.k8s.io/yaml): sorted keys, lists not
 * indented under their key, no line folding, and YAML 1.1 quoting, so a string such as `yes`,
 * `on`, `1_000`, `1:20` or `2024-01-01` stays a string when Kubernetes reads it back. js-yaml
 * dumps several times faster than `yaml` on this hot path; the YAML 1.1 look-alikes it would
 * leave plain are declared to it as an implicit type, which makes it quote them.
 */
import jsyaml from 'js-yaml';
import { chargeTree } from '../../util/work-budget.js';

// Plain scalars that YAML 1.1 resolves to something other than a string (go-yaml v2's table).
const YAML11_NON_STRING = new RegExp(
  [
    '^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$',
    '^(?:~|null|Null|NULL)$',
    '^[-+]?0b[0-1_]+$',
    '^[-+]?0[0-7_]+$',
    '^[-+]?(?:0|[1-9][0-9_]*)$',
    '^[-+]?0x[0-9a-fA-F_]+$',
    '^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$',
    '^[-+]?(?:[0-9][0-9_]*)?\\.[0-9.]*(?:[eE][-+]?[0-9]+)?$',
    '^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*$',
    '^[-+]?\\.(?:inf|Inf|INF)$',
    '^\\.(?:nan|NaN|NAN)$',
    '^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:(?:[Tt]|[ \\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)?$',
    '^<<$',
    '^=$',
  ].join('|'),
);

const yaml11LookAlike = new jsyaml.Type('tag:clustermint.io,2026:yaml11-look-alike', {
  kind: 'scalar',
  resolve: (s: string) => YAML11_NON_STRING.test(s),
  construct: (s: string) => s,
});

const DUMP_SCHEMA = jsyaml.CORE_SCHEMA.extend({ implicit: [yaml11LookAlike] });

/** Objects of trees that can no longer change (see markImmutable), and their dumps. */
const immutable = new WeakSet<object>();
const dumped = new WeakMap<object, string>();

/**
 * Deeply freezes a tree and records it as immutable, so that toYaml may remember what it prints
 * for its maps and lists (the gate's cached values: the same subtrees are printed by every
 * render of the same values).
 */
export function markImmutable<T>(tree: T): T {
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || immutable.has(v)) return;
    for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k]);
    Object.freeze(v);
    immutable.add(v);
  };
  walk(tree);
  return tree;
}

export function toYaml(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v !== 'object' || !immutable.has(v)) return dump(v);
  let text = dumped.get(v);
  if (text === undefined) {
    text = dump(v);
    dumped.set(v, text);
  }
  return text;
}

function dump(v: unknown): string {
  // a map holding one map twice, nested deep, is printed in full (noRefs): count it first
  chargeTree(v, (x) =>
    Array.isArray(x) ? x : x !== null && typeof x === 'object' ? Object.values(x) : undefined,
  );
  return jsyaml
    .dump(v, {
      schema: DUMP_SCHEMA,
      sortKeys: true,
      noArrayIndent: true,
      lineWidth: -1,
      noRefs: true,
      quotingType: '"',
    })
    .replace(/\n$/, '');
}
