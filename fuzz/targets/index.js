// Every fuzz target: a name, a share of the runs (weight: cheap targets get more), a
// fast-check arbitrary of inputs, an optional setup and run(input, env) → a finding or undefined.
import { admissionTarget } from './admission.js';
import { goChartTarget, hbsChartTarget, valuesTarget } from './charts.js';
import { clusterClassTarget } from './clusterclass.js';
import { policyTarget } from './policy.js';
import { selfTestTargets } from './selftest.js';
import { setTarget } from './set.js';
import { submissionTarget } from './submission.js';

export const TARGETS = [
  setTarget,
  valuesTarget,
  submissionTarget,
  goChartTarget,
  hbsChartTarget,
  clusterClassTarget,
  policyTarget,
  admissionTarget,
];

/** A target by name, the runner's self-tests (selftest-hang, selftest-abort) included. */
export function targetNamed(name) {
  return [...TARGETS, ...selfTestTargets].find((t) => t.name === name);
}
