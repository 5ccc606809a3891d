/**
 * `get`'s tables for the tenancy kinds (docs/tenancy.md): Credentials, the AccessManagement,
 * ProviderInterfaces, DeploymentHistories, and the ClusterTemplates and chains a namespace holds
 * (its own, or copies the platform distributed, or copies whose grant was revoked).
 */
import { ACCESS_REVOKED_LABEL, DISTRIBUTED_FROM_ANNOTATION, MANAGED_LABEL } from '../domain/labels.js';
import type { KubeObject } from '../store/types.js';
import { isPlainObject } from '../util/plain-object.js';

type Row = string[];
type Age = (from: string | undefined) => string;

const rec = (v: unknown): Record<string, unknown> => (isPlainObject(v) ? v : {});
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);

/** ACCESS: own (the namespace's), distributed (a copy the AccessManagement keeps), revoked (a copy in use whose grant was withdrawn). */
export function accessOf(o: KubeObject): string {
  const labels = o.metadata.labels ?? {};
  if (labels[ACCESS_REVOKED_LABEL] === 'true') return 'revoked';
  if (labels[MANAGED_LABEL] === 'true') return 'distributed';
  return 'own';
}

function condition(o: KubeObject, type: string): { status?: string; reason?: string; message?: string } {
  const cs = rec(o.status).conditions;
  const c = Array.isArray(cs) ? cs.find((x) => rec(x).type === type) : undefined;
  return rec(c) as { status?: string; reason?: string; message?: string };
}

export function credentialRows(items: KubeObject[], wide: boolean, age: Age): Row[] {
  const head = ['NAMESPACE', 'NAME', 'READY', 'IDENTITY', 'REGION', 'AGE'];
  if (wide) head.push('ACCESS', 'REASON', 'DESCRIPTION');
  return [
    head,
    ...items.map((o) => {
      const spec = rec(o.spec);
      const ref = rec(spec.identityRef);
      const st = rec(o.status);
      const ns = str(ref.namespace);
      const row = [
        o.metadata.namespace ?? '',
        o.metadata.name,
        st.ready === true ? 'true' : st.ready === false ? 'false' : 'unknown',
        ref.kind ? `${str(ref.kind)}/${ns ? `${ns}/` : ''}${str(ref.name)}` : '-',
        str(spec.region, '-') || '-',
        age(o.metadata.creationTimestamp),
      ];
      if (wide) {
        const c = condition(o, 'CredentialReady');
        row.push(accessOf(o), c.reason ?? '-', str(spec.description));
      }
      return row;
    }),
  ];
}

export function accessManagementRows(items: KubeObject[], age: Age): Row[] {
  return [
    ['NAME', 'RULES', 'DISTRIBUTED', 'ERROR', 'AGE'],
    ...items.map((o) => {
      const st = rec(o.status);
      const rules = rec(o.spec).accessRules;
      const resourceErrors = Array.isArray(st.resources)
        ? st.resources.map((r) => str(rec(r).error)).filter(Boolean)
        : [];
      return [
        o.metadata.name,
        String(Array.isArray(rules) ? rules.length : 0),
        typeof st.distributed === 'number' ? String(st.distributed) : '-',
        [str(st.error), ...resourceErrors].filter(Boolean).join('; ') || '-',
        age(o.metadata.creationTimestamp),
      ];
    }),
  ];
}

export function providerInterfaceRows(items: KubeObject[], age: Age): Row[] {
  return [
    ['NAME', 'PROVIDER', 'IDENTITY KINDS', 'AGE'],
    ...items.map((o) => {
      const ids = rec(o.spec).clusterIdentities;
      return [
        o.metadata.name,
        o.metadata.labels?.['cluster.x-k8s.io/provider'] ?? '-',
        (Array.isArray(ids) ? ids.map((i) => str(rec(i).kind)).filter(Boolean) : []).join(',') || '-',
        age(o.metadata.creationTimestamp),
      ];
    }),
  ];
}

export function historyRows(items: KubeObject[], age: Age): Row[] {
  return [
    ['NAMESPACE', 'NAME', 'ENTRIES', 'LAST', 'DELETED', 'AGE'],
    ...items.map((o) => {
      const spec = rec(o.spec);
      const entries = Array.isArray(spec.entries) ? spec.entries.map(rec) : [];
      const last = entries.at(-1);
      return [
        o.metadata.namespace ?? '',
        o.metadata.name,
        String(entries.length + Number(spec.droppedEntries ?? 0)),
        last ? `${str(last.action)} by ${str(last.user)} ${age(str(last.time))} ago` : '-',
        spec.deletedAt ? age(str(spec.deletedAt)) : '-',
        age(o.metadata.creationTimestamp),
      ];
    }),
  ];
}

/** ClusterTemplates: k0rdent's VALID and DESCRIPTION, with where the object came from. */
export function clusterTemplateRows(items: KubeObject[], wide: boolean, age: Age): Row[] {
  const head = ['NAMESPACE', 'NAME', 'VALID', 'ACCESS', 'AGE'];
  if (wide) head.push('FROM', 'DESCRIPTION');
  return [
    head,
    ...items.map((o) => {
      const st = rec(o.status);
      const row = [
        o.metadata.namespace ?? '',
        o.metadata.name,
        st.valid === true ? 'true' : st.valid === false ? 'false' : 'unknown',
        accessOf(o),
        age(o.metadata.creationTimestamp),
      ];
      if (wide)
        row.push(
          o.metadata.annotations?.[DISTRIBUTED_FROM_ANNOTATION] ?? '-',
          str(st.description) || str(rec(o.spec).description),
        );
      return row;
    }),
  ];
}

/** ClusterTemplateChains and ServiceTemplateChains: the templates they name. */
export function chainRows(items: KubeObject[], age: Age): Row[] {
  return [
    ['NAMESPACE', 'NAME', 'TEMPLATES', 'ACCESS', 'AGE'],
    ...items.map((o) => {
      const ts = rec(o.spec).supportedTemplates;
      return [
        o.metadata.namespace ?? '',
        o.metadata.name,
        (Array.isArray(ts) ? ts.map((t) => str(rec(t).name)).filter(Boolean) : []).join(',') || '-',
        accessOf(o),
        age(o.metadata.creationTimestamp),
      ];
    }),
  ];
}

/** `describe credential NAME`: its identity, access, readiness and the deployments that use it. */
export function describeCredential(o: KubeObject, users: readonly string[], age: Age): string[] {
  const spec = rec(o.spec);
  const ref = rec(spec.identityRef);
  const st = rec(o.status);
  const from = o.metadata.annotations?.[DISTRIBUTED_FROM_ANNOTATION];
  const conditions = Array.isArray(st.conditions) ? st.conditions.map(rec) : [];
  return [
    `Name:               ${o.metadata.name}`,
    `Namespace:          ${o.metadata.namespace ?? ''}`,
    `Identity:           ${str(ref.kind)} ${str(ref.namespace) ? `${str(ref.namespace)}/` : ''}${str(ref.name)}${str(ref.apiVersion) ? ` (${str(ref.apiVersion)})` : ''}`,
    `Region:             ${str(spec.region, '-') || '-'}`,
    `Description:        ${str(spec.description, '-') || '-'}`,
    `Access:             ${accessOf(o)}${from ? ` (from ${from})` : ''}`,
    `Ready:              ${st.ready === true ? 'true' : st.ready === false ? 'false' : 'unknown (not reconciled yet)'}`,
    `Age:                ${age(o.metadata.creationTimestamp)}`,
    'Conditions:',
    ...(conditions.length
      ? conditions.map((c) => `  ${str(c.type)}  ${str(c.status)}  ${str(c.reason)}  ${str(c.message)}`)
      : ['  <none>']),
    'Used by:',
    ...(users.length ? users.map((u) => `  ClusterDeployment ${u}`) : ['  <none>']),
  ];
}
