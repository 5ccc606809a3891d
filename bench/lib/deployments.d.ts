// Types of deployments.js (the tests import it too).
export interface BenchDeployment {
  apiVersion: string;
  kind: 'ClusterDeployment';
  metadata: { name: string; namespace: string };
  spec: { template: string; credential: string; config: Record<string, unknown> };
}
export function deployment(i: number): BenchDeployment;
export function deployments(n: number): BenchDeployment[];
export function deploymentsYaml(n: number): string;
