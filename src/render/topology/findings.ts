/** What the topology engine reports instead of objects: located findings, by stage. */

export type TopologyStage = 'resolve' | 'values' | 'render';

export interface TopologyFinding {
  stage: TopologyStage;
  code:
    | 'CLUSTERCLASS_NOT_FOUND'
    | 'TEMPLATE_NOT_FOUND'
    | 'CLUSTERCLASS_INVALID'
    | 'TOPOLOGY_INVALID'
    | 'VARIABLES_INVALID'
    | 'PATCH_FAILED';
  message: string;
  /** Field path in the Cluster (`spec.topology.variables[cpu].value`) or the ClusterClass. */
  field?: string;
  /** Which document the field is in. */
  in?: 'cluster' | 'clusterClass';
}
