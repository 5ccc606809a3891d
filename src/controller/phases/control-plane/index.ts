/**
 * The control-plane phase: the strategy for the rendered control plane's kind, and what the
 * pass records of it (status.controlPlane, k8sVersion, endpoint, ControlPlaneReady).
 */
import type { ControlPlaneBinding, Endpoint } from '../../../providers/contract.js';
import { HostedControlPlane } from './hosted.js';
import { MachineControlPlane } from './machine-based.js';
import type { ControlPlaneFrame, ControlPlaneState, ControlPlaneStrategy } from './strategy.js';

export type { ControlPlaneFrame, ControlPlaneState, ControlPlaneStrategy } from './strategy.js';

export function controlPlaneStrategy(
  f: ControlPlaneFrame,
  binding: ControlPlaneBinding,
): ControlPlaneStrategy {
  switch (binding.mode) {
    case 'machines':
      return new MachineControlPlane(f, binding);
    case 'hosted':
      return new HostedControlPlane(f, binding);
  }
}

/** Writes where the control plane stands into the status and ControlPlaneReady. */
export function recordControlPlane(
  f: ControlPlaneFrame,
  strategy: ControlPlaneStrategy,
  s: ControlPlaneState,
  endpoint: Endpoint | undefined,
): void {
  const { ctx, desired } = f;
  ctx.status.controlPlane = {
    mode: strategy.mode,
    name: desired.controlPlane.metadata.name,
    version: s.version,
    targetVersion: f.target,
    replicas: s.replicas,
    readyReplicas: s.readyReplicas,
    updatedReplicas: s.updatedReplicas,
    initialized: s.initialized,
  };
  if (s.k8sVersion) ctx.status.k8sVersion = s.k8sVersion;
  else delete ctx.status.k8sVersion;
  if (endpoint) ctx.status.endpoint = `https://${endpoint.host}:${endpoint.port}`;
  const available = s.readyReplicas >= s.replicas;
  ctx.cond(
    'ControlPlaneReady',
    available ? 'True' : 'False',
    available ? 'Ready' : s.initialized ? 'ScalingUp' : 'Provisioning',
    `${s.readyReplicas}/${s.replicas} control-plane ${strategy.readyUnit} ready at ${s.version}`,
  );
}
