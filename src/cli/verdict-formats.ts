/** Printing gate verdicts: text for people, JSON for programs, SARIF for code scanning, JUnit for CI. */

import type { Verdict } from '../gate/index.js';
import { formatLocation } from '../util/errors.js';
import { printable } from '../util/printable.js';
import type { Violation } from '../validate/violation.js';
import { formatViolation } from './print.js';
import { VERSION } from './version.js';

/** What the printers read of a verdict: all of it but the rendered objects, which only count. */
export type PrintedVerdict = Omit<Verdict, 'objects'> & { objectCount: number };

export function printedVerdict({ objects, ...rest }: Verdict): PrintedVerdict {
  return { ...rest, objectCount: objects.length };
}

const who = (v: PrintedVerdict) => `${v.submission.namespace}/${v.submission.name}`;

const isAdmission = (v: Violation) => v.stage === 'admission' && v.rule !== undefined;

function ruleId(v: Violation): string {
  if (v.stage === 'policy') return `${v.policy}/${v.rule}`;
  if (isAdmission(v)) return `clustermint/admission/${v.rule}`;
  return `clustermint/${v.stage}/${v.code}`;
}

/** The bracketed tag after a finding: the policy rule, the admission rule, or the stage. */
export function tagOf(v: Violation): string {
  if (v.stage === 'policy') return `[${v.policy}/${v.rule}]`;
  if (isAdmission(v)) return `[admission/${v.rule}]`;
  return `[${v.stage}]`;
}

export function textVerdicts(verdicts: readonly PrintedVerdict[]): string {
  let out = '';
  for (const v of verdicts) {
    const where = formatLocation({ file: v.submission.file, line: v.submission.line });
    const warn = v.warnings.length
      ? ` (${v.warnings.length} warning${v.warnings.length === 1 ? '' : 's'})`
      : '';
    out += `${v.allowed ? 'ALLOWED' : 'DENIED '} ${printable(`${who(v)} (${where})`, { oneLine: true })}${warn}\n`;
    for (const x of v.violations) {
      const tag = printable(` ${tagOf(x)}`);
      out += `  ${formatViolation(x).replace(/\n/g, '\n  ')}${tag}\n`;
    }
    for (const x of v.warnings) {
      const tag = isAdmission(x) ? printable(` ${tagOf(x)}`) : '';
      out += `  ${formatViolation(x).replace(/\n/g, '\n  ')}${tag}\n`;
    }
  }
  const denied = verdicts.filter((v) => !v.allowed).length;
  out += `\n${verdicts.length} submission${verdicts.length === 1 ? '' : 's'}: ${verdicts.length - denied} allowed, ${denied} denied\n`;
  return out;
}

export function jsonVerdicts(verdicts: readonly PrintedVerdict[]): string {
  return `${JSON.stringify(verdicts, null, 2)}\n`;
}

/** SARIF 2.1.0, as GitHub code scanning reads it. */
export function sarifVerdicts(verdicts: readonly PrintedVerdict[]): string {
  const all = verdicts.flatMap((v) => [...v.violations, ...v.warnings].map((x) => ({ verdict: v, x })));
  const rules = [...new Map(all.map(({ x }) => [ruleId(x), x])).entries()].map(([id, x]) => ({
    id,
    name: id.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
    shortDescription: {
      text:
        x.stage === 'policy'
          ? `Policy ${x.policy}, rule ${x.rule}`
          : isAdmission(x)
            ? `k0rdent admission rule ${x.rule} (${x.code})`
            : `clustermint ${x.stage} check (${x.code})`,
    },
  }));
  const results = all.map(({ verdict, x }) => {
    const file =
      x.location?.file && !x.location.file.endsWith('(rendered)') ? x.location.file : verdict.submission.file;
    const line = x.location?.file === file ? x.location?.line : verdict.submission.line;
    const col = x.location?.file === file ? x.location?.col : undefined;
    const subject = x.object
      ? ` (${x.object.kind}/${x.object.name}${x.path ? ` ${x.path}` : ''})`
      : x.path
        ? ` (${x.path})`
        : '';
    return {
      ruleId: ruleId(x),
      level: x.severity === 'error' ? 'error' : 'warning',
      message: { text: `${who(verdict)}: ${x.message}${subject}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: file.replace(/\\/g, '/').replace(/^\.\//, '') },
            ...(line ? { region: { startLine: line, ...(col ? { startColumn: col } : {}) } } : {}),
          },
        },
      ],
    };
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'clustermint',
            version: VERSION,
            informationUri: 'https://github.com/clustermint/clustermint',
            rules,
          },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

const xml = (s: string) =>
  s
    .replace(
      /[<>&"']/g,
      (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string,
    )
    .replace(
      // characters XML 1.0 cannot carry
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g,
      '',
    );

/** JUnit XML: a testsuite per submission, a testcase per submission x rule (and per gate stage). */
export function junitVerdicts(verdicts: readonly PrintedVerdict[]): string {
  let tests = 0;
  let failures = 0;
  const suites = verdicts.map((v) => {
    const cases = new Map<string, Violation[]>();
    for (const stage of ['resolve', 'values', 'render', 'object']) cases.set(`clustermint/${stage}`, []);
    for (const rule of Object.keys(v.rules)) cases.set(rule, []);
    for (const x of v.violations) {
      const id =
        x.stage === 'policy'
          ? `${x.policy}/${x.rule}`
          : isAdmission(x)
            ? `clustermint/admission/${x.rule}`
            : `clustermint/${x.stage}`;
      const list = cases.get(id);
      if (list) list.push(x);
      else cases.set(id, [x]);
    }
    let suiteFailures = 0;
    const body = [...cases.entries()]
      .map(([name, xs]) => {
        tests++;
        if (xs.length === 0) return `    <testcase classname="${xml(who(v))}" name="${xml(name)}"/>`;
        failures++;
        suiteFailures++;
        const text = xs.map((x) => formatViolation(x)).join('\n');
        return `    <testcase classname="${xml(who(v))}" name="${xml(name)}">\n      <failure message="${xml(xs[0].message)}" type="${xml(xs[0].code)}">${xml(text)}</failure>\n    </testcase>`;
      })
      .join('\n');
    return `  <testsuite name="${xml(who(v))}" tests="${cases.size}" failures="${suiteFailures}" errors="0" skipped="0">\n${body}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="clustermint check" tests="${tests}" failures="${failures}" errors="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
