/** The provider plugin contract and the built-in plugins (see docs/providers.md). */

export { ManualClock, systemClock } from '../domain/clock.js';
export {
  hostedControlPlaneSpec,
  machineControlPlaneSpec,
  workerBootstrapOptions,
} from './bootstrap/from-objects.js';
export { type BootPlan, inspectUserData, UserDataError } from './bootstrap/inspect.js';
export { k0sBootstrap, k0sUserData } from './bootstrap/k0s.js';
export { kubeadmBootstrap, kubeadmUserData } from './bootstrap/kubeadm.js';
export * from './contract.js';
export * from './errors.js';
export { embeddedRegistry, ProviderRegistry } from './registry.js';
export { openSimulatedCloud, SimulatedCloud, type SimulatedCloudConfig } from './simulated/cloud.js';
export {
  ANNOTATION_PREFIX,
  KNOWN_ANNOTATIONS,
  parseSimulatedCloudOptions,
  type SimulatedCloudOptions,
  type ZoneOutageSpec,
} from './simulated/config.js';
export { k0sVersionFor, parseVersion } from './version.js';
