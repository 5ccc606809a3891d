/** ClusterClass variables: definitions, ClusterClass admission, Cluster defaulting and validation. */

export { validateClassVariables } from './class-validation.js';
export {
  defaultClusterVariables,
  validateClusterVariable,
  validateClusterVariables,
} from './cluster-values.js';
export {
  type ClusterVariable,
  classVariableDefinitions,
  type VariableDefinition,
  type VariableMetadata,
} from './definitions.js';
export { defaultAndValidateTopologyVariables } from './topology.js';
