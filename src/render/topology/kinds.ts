/** Recognising topology inputs, without loading the engine (the CLI checks every document). */
import { isPlainObject, type PlainObject } from '../../util/plain-object.js';

export const CAPI_GROUP = 'cluster.x-k8s.io';

// Any input document, unvalidated: read with coercion.
const o = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const groupOf = (apiVersion: unknown) =>
  typeof apiVersion === 'string' ? apiVersion.split('/').slice(0, -1).join('/') : '';

/** A Cluster API Cluster with `spec.topology`: a submission for the ClusterClass engine. */
export function isTopologyCluster(doc: unknown): boolean {
  const d = o(doc);
  return d.kind === 'Cluster' && groupOf(d.apiVersion) === CAPI_GROUP && isPlainObject(o(d.spec).topology);
}

export function isClusterClass(doc: unknown): boolean {
  const d = o(doc);
  return d.kind === 'ClusterClass' && groupOf(d.apiVersion) === CAPI_GROUP;
}
