import type { DiffCase } from './clusterctl-differential.test.js';
export function generatedCases(): DiffCase[] {
  return [];
}
