/** The Kubernetes backend of the Store (imported on its own; @kubernetes/client-node is loaded on first use). */

export {
  defaultKubeconfigPaths,
  fromKubeConfig,
  inClusterConfig,
  type KubeTarget,
  loadClientNode,
  loadKubeconfig,
} from './config.js';
export { CRD_DIR, type InstallCrdsOptions, installCrds, loadCrds } from './crds.js';
export { KubeApiError, type KubeStatus, statusError } from './errors.js';
export { KubeHttp, type KubeHttpOptions } from './http.js';
export { type ResourceEntry, type ResourceInfo, ResourceMapper } from './resources.js';
export {
  type ApplyOptions,
  KubeStore,
  type KubeStoreOptions,
  type OpenKubeStoreOptions,
  openKubeStore,
} from './store.js';
export { KubeWatch } from './watch.js';
