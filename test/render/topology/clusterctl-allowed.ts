/**
 * The known differences between clusterctl's Cluster API (v1.10, the last with
 * `alpha topology plan`) and the Cluster API clustermint follows (v1.13): where the two versions
 * compute different objects, clustermint follows v1.13 (docs/topology.md, "Deliberate differences"),
 * and the differential test allows exactly these, each by name, with its reason and a predicate
 * that looks at the difference and at the case's input. Anything else is a failure.
 */
import { isPlainObject, type PlainObject } from '../../../src/util/plain-object.js';
import type { AllowedDifference, AllowedRefusal, Difference } from './clusterctl-compare.js';

/** The case's input as written (v1beta1). */
export interface CaseInput {
  cluster: PlainObject;
  clusterClass: PlainObject | undefined;
}

const o = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const list = (v: unknown): PlainObject[] => (Array.isArray(v) ? v.filter(isPlainObject) : []);

/** The MachineDeployment topology a role names (`MachineDeployment md-0 ...`) and its class. */
function machineDeployment(
  d: Difference,
  input: CaseInput,
): { topology: PlainObject; cls: PlainObject } | undefined {
  const m = /^MachineDeployment (\S+)/.exec(d.object);
  if (!m) return undefined;
  const topology = list(o(o(o(input.cluster.spec).topology).workers).machineDeployments).find(
    (x) => x.name === m[1],
  );
  if (!topology) return undefined;
  const cls = list(o(o(input.clusterClass?.spec).workers).machineDeployments).find(
    (x) => x.class === topology.class,
  );
  return { topology, cls: cls ?? {} };
}

const maxInFlight = (x: PlainObject) => o(o(x.strategy).remediation).maxInFlight !== undefined;
const hasChecks = (mhc: unknown) =>
  list(o(mhc).unhealthyConditions).length > 0 || o(mhc).nodeStartupTimeout !== undefined;

export const ALLOWED_DIFFERENCES: AllowedDifference<CaseInput>[] = [
  {
    name: 'MachineHealthCheck maxUnhealthy default',
    reason:
      'Cluster API v1.10 defaults a MachineHealthCheck without maxUnhealthy to 100%; v1.11 and later leave ' +
      'spec.remediation.triggerIf unset',
    matches: (d) =>
      d.object.endsWith('MachineHealthCheck') &&
      d.path === 'spec.remediation.triggerIf.unhealthyLessThanOrEqualTo' &&
      d.clusterctl === '100%' &&
      d.clustermint === undefined,
  },
  {
    name: 'MachineDeployment strategy: replaced whole (v1.10) or field by field (v1.13)',
    reason:
      "In v1beta1 a MachineDeployment topology's strategy replaces its class's whole (type, rollingUpdate, " +
      'deletePolicy and remediation.maxInFlight together); v1beta2 splits it into rollout.strategy, deletion.order and ' +
      'healthCheck.remediation.maxInFlight, and v1.13 takes each from the topology when set there, else from the class',
    matches: (d, input) => {
      const md = machineDeployment(d, input);
      return (
        md !== undefined &&
        d.object === `MachineDeployment ${md.topology.name}` &&
        /^spec\.(rollout|deletion\.order|remediation\.maxInFlight)/.test(d.path) &&
        md.topology.strategy !== undefined &&
        md.cls.strategy !== undefined
      );
    },
  },
  {
    name: "remediation.maxInFlight makes a MachineDeployment's health check defined (v1.13)",
    reason:
      "v1beta1's strategy.remediation.maxInFlight is v1beta2's healthCheck.remediation.maxInFlight, and v1.13 counts a " +
      'health check with only maxInFlight as defined: a topology with it builds the MachineHealthCheck from its own ' +
      "(empty) checks instead of the class's, a class with it gets a MachineHealthCheck where v1.10 made none",
    matches: (d, input) => {
      const md = machineDeployment(d, input);
      if (!md || d.object !== `MachineDeployment ${md.topology.name} MachineHealthCheck`) return false;
      const topologyMhc = md.topology.machineHealthCheck;
      if (o(topologyMhc).enable === false) return false;
      return (
        (maxInFlight(md.topology) && !hasChecks(topologyMhc)) ||
        (maxInFlight(md.cls) && md.cls.machineHealthCheck === undefined && topologyMhc === undefined)
      );
    },
  },
];

/** Inputs only Cluster API v1.10 refuses. */
export const ALLOWED_REFUSALS: AllowedRefusal[] = [
  {
    name: 'deprecated definitionFrom on a Cluster variable',
    reason:
      'Cluster API v1.10 refuses a v1beta1 variable with definitionFrom set; from v1.11 the field has no v1beta2 ' +
      'counterpart and the conversion drops it',
    matches: (e) => e.includes('has DefinitionFrom set'),
  },
];
