/** `clustermint scan`: kyverno-json's `scan`, same flags, same output, same exit codes. */
import type { Command } from 'commander';
import { SelectorError } from '../k8s/label-selector.js';
import { PolicyLoadError } from '../policy/load.js';
import { ClustermintError } from '../util/errors.js';
import type { IO } from './io.js';
import type { Wrap } from './program.js';

/** cobra's string-slice flags: each value is CSV, so `a,b` is two values and `"x,y"` one. */
export function csvValues(value: string, previous: string[] = []): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '"' && value[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return [...previous, ...out];
}

export function registerScan(program: Command, io: IO, wrap: Wrap): void {
  program
    .command('scan')
    .summary("check a JSON or YAML payload against kyverno-json policies, like 'kyverno-json scan'")
    .description(
      'Evaluate json.kyverno.io/v1alpha1 ValidatingPolicies against a payload, with the flags and the\n' +
        'output of `kyverno-json scan`. FAILED and ERROR rules still exit 0, as there; a policy or\n' +
        'payload that cannot be loaded exits non-zero.',
    )
    .requiredOption('--payload <file>', 'payload file (.json, .yaml or .yml)')
    .option('--policy <path>', 'policy file or folder, repeatable, comma-separated', csvValues, [])
    .option(
      '--pre-process <expr>',
      'JMESPath expression applied to the payload first, repeatable',
      csvValues,
      [],
    )
    .option('--bindings <file>', 'JSON or YAML map whose keys become $<key> bindings')
    .option('--labels <selector>', 'label selector on the policies, repeatable', csvValues, [])
    .option('--output <format>', 'text or json', 'text')
    .option('--compat <version>', 'text output of kyverno-json main (default) or v0.0.3', 'main')
    .action(
      wrap(async (opts) => {
        if (opts.output !== 'text' && opts.output !== 'json') {
          throw new ClustermintError(
            'USAGE',
            `--output must be text or json, got ${JSON.stringify(opts.output)}`,
          );
        }
        if (opts.compat !== 'main' && opts.compat !== 'v0.0.3') {
          throw new ClustermintError(
            'USAGE',
            `--compat must be main or v0.0.3, got ${JSON.stringify(opts.compat)}`,
          );
        }
        const { runScan } = await import('./scan-run.js');
        try {
          return runScan(
            {
              payload: opts.payload,
              policy: opts.policy,
              preProcess: opts.preProcess,
              bindings: opts.bindings,
              labels: opts.labels,
              output: opts.output,
              compat: opts.compat,
            },
            io,
          );
        } catch (e) {
          if (e instanceof PolicyLoadError)
            throw new ClustermintError('INVALID_SUBMISSION', e.message, e.location);
          if (e instanceof SelectorError) throw new ClustermintError('USAGE', `--labels: ${e.message}`);
          throw e;
        }
      }),
    );
}
