/**
 * Differential test of the ClusterClass engine against Cluster API's own: every case (a
 * ClusterClass, its templates and a Cluster, written in v1beta1) goes through
 * `clusterctl alpha topology plan` (v1.10.10, the last release that has it), whose objects are
 * converted to v1beta2 with Cluster API v1.13's conversions (tools/capi-convert-ref), and through
 * clustermint's render (the gate's topology pipeline: the engine, then the object schemas) twice:
 *
 * - on the v1beta2 form of the input (ClusterClass and Cluster through the same converter,
 *   templates as written: Cluster API reads them at the version the class references): the
 *   engine alone;
 * - on the v1beta1 ClusterClass and Cluster as written: the engine with clustermint's own
 *   v1beta1 conversion (src/render/topology/convert.ts).
 *
 * What clustermint renders in v1beta1 (from v1beta1 templates) goes through the converter too.
 *
 * Objects are matched by role and compared field by field (clusterctl-compare.ts); every
 * difference of every case is reported in one failure. Where Cluster API v1.10 and v1.13 compute
 * different objects clustermint follows v1.13: those known differences are allowed by name, with
 * their reasons, in clusterctl-allowed.ts (docs/topology.md), each shown by a fixture.
 *
 * Cases: the hand-written fixtures in test/fixtures/topology/clusterctl/ (every Cluster in a file
 * is a case with that file's ClusterClass), then seeded generated ones (clusterctl-arbitraries.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import {
  runTopologyPipeline,
  type TopologyRun,
  withAssignedOwnerUids,
} from '../../../src/gate/topology-pipeline.js';
import type { SourcedDocument } from '../../../src/resolve/documents.js';
import type { PlainObject } from '../../../src/util/plain-object.js';
import { parseYamlSource } from '../../../src/util/yaml-source.js';
import { validateObject } from '../../../src/validate/objects.js';
import type { Violation } from '../../../src/validate/violation.js';
import { ALLOWED_DIFFERENCES, ALLOWED_REFUSALS, type CaseInput } from './clusterctl-allowed.js';
import { generatedCases, RUNS, SEED } from './clusterctl-arbitraries.js';
import { assignRoles, compareRenders, type Difference, formatDifferences } from './clusterctl-compare.js';
import {
  convertToV1beta2,
  findClusterctl,
  findConverter,
  type PlanResult,
  runPlans,
} from './clusterctl-reference.js';

const clusterctl = findClusterctl();
const converter = findConverter();
const ready = clusterctl.bin !== undefined && converter.bin !== undefined;

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'topology', 'clusterctl');

/** One Cluster with its ClusterClass and templates, all v1beta1 as clusterctl v1.10 reads them. */
export interface DiffCase {
  name: string;
  cluster: PlainObject;
  /** The ClusterClass and its templates. */
  classDocs: PlainObject[];
  /** Cluster API refuses it (fixtures in files named refused*.yaml): clustermint must too. */
  refused?: boolean;
}

const inDefault = (d: PlainObject): PlainObject => {
  const meta = { ...((d.metadata as PlainObject | undefined) ?? {}) };
  if (!meta.namespace) meta.namespace = 'default';
  return { ...d, metadata: meta };
};

function fixtureCases(): DiffCase[] {
  const out: DiffCase[] = [];
  for (const file of readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const docs = (jsyaml.loadAll(readFileSync(join(FIXTURES, file), 'utf8')) as PlainObject[])
      .filter((d) => d !== null)
      .map(inDefault);
    const classDocs = docs.filter((d) => d.kind !== 'Cluster');
    for (const cluster of docs.filter((d) => d.kind === 'Cluster'))
      out.push({
        name: `${file} ${(cluster.metadata as PlainObject).name}`,
        cluster,
        classDocs,
        refused: file.startsWith('refused'),
      });
  }
  return out;
}

/** How often each allowed difference was met in this run (reported, so none goes unnoticed). */
const allowances = new Map<string, number>();
const used = (name: string) => allowances.set(name, (allowances.get(name) ?? 0) + 1);

interface Outcome {
  name: string;
  plan: PlanResult;
  report: string[];
  /** Objects both sides render alike but clustermint's schemas refuse (the input's fault). */
  invalidInput: string[];
}

/**
 * clustermint's render as `clustermint render -f` runs it (src/gate/topology-pipeline.ts): the
 * engine, then every rendered object against clustermint's schemas.
 */
function render(cluster: PlainObject, objects: readonly PlainObject[]): TopologyRun {
  const sourced = (d: PlainObject, i: number): SourcedDocument => {
    const file = `doc-${i}.yaml`;
    const [doc] = parseYamlSource(JSON.stringify(d), file);
    return { file, doc, value: doc.value as PlainObject };
  };
  return runTopologyPipeline(
    sourced(cluster, 0),
    objects.map((d, i) => sourced(d, i + 1)),
  );
}

const violationText = (v: Violation) =>
  `${v.code}${v.object ? ` ${v.object.kind}/${v.object.name}` : ''}${v.path ? ` ${v.path}` : ''}: ${v.message}`;

/**
 * The roles whose object fails clustermint's schemas, with the messages: `errors` found by the
 * pipeline, else validated here. clusterctl checks no CRD schema (there is no API server), so an
 * object both sides render alike may be invalid for both: that is the input's fault, not the
 * engine's.
 */
function schemaVerdicts(
  objects: readonly PlainObject[],
  errors?: readonly Violation[],
): Map<string, string[]> {
  const { objects: byRole } = assignRoles(objects);
  const out = new Map<string, string[]>();
  for (const [role, obj] of byRole) {
    const name = (obj.metadata as PlainObject | undefined)?.name;
    const found = errors
      ? errors.filter((v) => v.stage === 'object' && v.object?.kind === obj.kind && v.object?.name === name)
      : validateObject(withAssignedOwnerUids(obj)).filter((v) => v.severity === 'error');
    if (found.length > 0) out.set(role, found.map(violationText));
  }
  return out;
}

/** Puts documents through the converter in one run and hands each list back converted. */
function convertAll(lists: readonly PlainObject[][]): PlainObject[][] {
  const converted = convertToV1beta2(converter.bin as string, lists.flat());
  let at = 0;
  return lists.map((l) => {
    const out = converted.slice(at, at + l.length);
    at += l.length;
    return out;
  });
}

const conversionErrors = (objects: readonly PlainObject[]): string[] =>
  objects.filter((x) => x.kind === 'ConversionError').map((x) => String(x.error));

/**
 * Runs every case through clusterctl and both clustermint forms; the report lists each problem.
 * The v1beta2 form is what a Cluster API v1.13 management cluster holds: ClusterClass and Cluster
 * in the hub version, templates read at the version the class references (as written). What
 * clustermint renders from templates in v1beta1 (a kubeadm control plane, say) is converted like
 * clusterctl's objects before the comparison.
 */
async function runCases(cases: readonly DiffCase[]): Promise<Outcome[]> {
  const plans = await runPlans(
    clusterctl.bin as string,
    cases.map((c) => [...c.classDocs, c.cluster]),
  );
  const [inputs, planObjects] = [
    convertAll(cases.map((c) => [...c.classDocs.filter((d) => d.kind === 'ClusterClass'), c.cluster])),
    convertAll(plans.map((p) => ('objects' in p ? p.objects : []))),
  ];
  const renders = cases.map((c, i) => {
    const templates = c.classDocs.filter((d) => d.kind !== 'ClusterClass');
    const classV1 = c.classDocs.filter((d) => d.kind === 'ClusterClass');
    const classV2 = inputs[i].slice(0, -1);
    const clusterV2 = inputs[i][inputs[i].length - 1];
    return [
      { form: 'v1beta2 input', r: render(clusterV2, [...classV2, ...templates]) },
      { form: 'v1beta1 input', r: render(c.cluster, [...classV1, ...templates]) },
    ];
  });
  const renderObjects = convertAll(renders.flatMap((runs) => runs.map((x) => x.r.objects)));
  return cases.map((c, i) => {
    const plan = plans[i];
    const report: string[] = [];
    const invalidInput: string[] = [];
    const inputErrors = conversionErrors([...inputs[i], ...planObjects[i]]);
    if (inputErrors.length > 0) report.push(`${c.name}: capi-convert-ref failed: ${inputErrors.join('; ')}`);
    renders[i].forEach(({ form, r }, j) => {
      const label = `${c.name} [${form}]`;
      if ('error' in plan) {
        if (process.env.CLUSTERCTL_DIFF_SHOW_REFUSALS)
          console.info(
            `${label}\n  clusterctl:  ${plan.error}\n  clustermint: ${r.violations.map(violationText).join('; ')}`,
          );
        const allowed = ALLOWED_REFUSALS.find((a) => a.matches(plan.error));
        if (allowed && r.violations.length === 0) used(allowed.name);
        else if (r.violations.length === 0)
          report.push(`${label}: clusterctl refused it (${plan.error}); clustermint rendered it`);
        return;
      }
      const engineErrors = r.violations.filter((v) => v.stage !== 'object');
      if (engineErrors.length > 0) {
        report.push(
          `${label}: clusterctl rendered it; clustermint refused it: ${engineErrors.map(violationText).join('; ')}`,
        );
        return;
      }
      const theirs = schemaVerdicts(planObjects[i]);
      const mine = schemaVerdicts(r.objects, r.violations);
      for (const role of new Set([...theirs.keys(), ...mine.keys()])) {
        const a = theirs.get(role);
        const b = mine.get(role);
        if (a && b) invalidInput.push(`${label}: ${role} is invalid for the CRD schema: ${b.join('; ')}`);
        else
          report.push(
            `${label}: ${role} is invalid for the CRD schema only as ${a ? 'clusterctl' : 'clustermint'} renders it: ${(a ?? b ?? []).join('; ')}`,
          );
      }
      const ours = renderObjects[i * 2 + j];
      const errors = conversionErrors(ours);
      if (errors.length > 0) {
        report.push(`${label}: capi-convert-ref failed on clustermint's objects: ${errors.join('; ')}`);
        return;
      }
      const input: CaseInput = {
        cluster: c.cluster,
        clusterClass: c.classDocs.find((d) => d.kind === 'ClusterClass'),
      };
      const diffs: Difference[] = compareRenders(planObjects[i], ours).filter((d) => {
        const allowed = ALLOWED_DIFFERENCES.find((a) => a.matches(d, input));
        if (allowed) used(allowed.name);
        return !allowed;
      });
      if (diffs.length > 0) report.push(formatDifferences(label, diffs));
    });
    return { name: c.name, plan, report, invalidInput };
  });
}

function summary(outcomes: readonly Outcome[], extra?: (o: Outcome) => string): string {
  return outcomes
    .filter((o) => o.report.length > 0)
    .map((o) => [...o.report, ...(extra ? [extra(o)] : [])].join('\n'))
    .join('\n\n');
}

describe.skipIf(!ready)(
  'ClusterClass engine against clusterctl alpha topology plan (Cluster API v1.10)',
  () => {
    it('the converter passes other kinds through and converts Cluster API ones', () => {
      const out = convertToV1beta2(converter.bin as string, [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } },
        {
          apiVersion: 'cluster.x-k8s.io/v1beta1',
          kind: 'MachineHealthCheck',
          metadata: { name: 'm' },
          spec: { clusterName: 'c', maxUnhealthy: '40%', selector: {}, nodeStartupTimeout: '10m' },
        },
      ]);
      expect(out[0]).toEqual({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'x' },
        data: { a: 'b' },
      });
      expect(out[1].apiVersion).toBe('cluster.x-k8s.io/v1beta2');
      expect((out[1].spec as PlainObject).checks).toEqual({ nodeStartupTimeoutSeconds: 600 });
    });

    it('hand-written cases: clustermint renders what Cluster API renders, and refuses what it refuses', async () => {
      const cases = fixtureCases();
      expect(cases.length).toBeGreaterThan(0);
      const outcomes = await runCases(cases);
      // a hand-written case renders, or is refused when it says so: otherwise the fixture is wrong
      const unexpected = outcomes
        .filter((o, k) => 'error' in o.plan !== (cases[k].refused === true))
        .map((o) => `${o.name}: ${'error' in o.plan ? o.plan.error : 'clusterctl rendered it'}`);
      expect(unexpected).toEqual([]);
      expect(outcomes.flatMap((o) => o.invalidInput)).toEqual([]);
      // every allowed difference has a fixture that shows it (v1.10-differences.yaml, refused-*.yaml)
      expect(
        [...ALLOWED_DIFFERENCES, ...ALLOWED_REFUSALS].map((a) => a.name).filter((n) => !allowances.has(n)),
      ).toEqual([]);
      const text = summary(outcomes);
      if (text) expect.fail(`clustermint and clusterctl differ:\n\n${text}`);
    }, 60_000);

    it(
      `generated cases (seed ${SEED}, ${RUNS} runs): clustermint renders what Cluster API renders`,
      async () => {
        const cases = generatedCases();
        const outcomes = await runCases(cases);
        const byName = new Map(cases.map((c) => [c.name, c]));
        const text = summary(outcomes, (o) => {
          const c = byName.get(o.name) as DiffCase;
          return `  input (v1beta1):\n${jsyaml.dump([...c.classDocs, c.cluster]).replace(/^/gm, '    ')}`;
        });
        const refused = outcomes.filter((o) => 'error' in o.plan).length;
        const invalid = outcomes.filter((o) => o.invalidInput.length > 0).length;
        const ms = outcomes.reduce((t, o) => t + o.plan.ms, 0);
        console.info(
          `clusterctl: ${Math.round(ms)} ms for ${cases.length} runs (${Math.round(ms / cases.length)} ms each)`,
        );
        if (process.env.CLUSTERCTL_DIFF_SHOW_REFUSALS)
          for (const o of outcomes)
            if ('error' in o.plan) console.info(`  refused: ${o.name}: ${o.plan.error}`);
        console.info(
          `clusterctl differential: ${cases.length} generated cases; refused by both: ${refused}; invalid for the CRD schemas on both sides: ${invalid}`,
        );
        if (text) expect.fail(`clustermint and clusterctl differ:\n\n${text}`);
      },
      30_000 + RUNS * 1_000,
    );

    afterAll(() => {
      for (const [name, n] of allowances)
        console.info(`clusterctl differential: allowed v1.10/v1.13 difference met ${n} time(s): ${name}`);
    });
  },
);
