/**
 * One service rendered for one cluster, as the controller and `clustermint plan` both need it:
 * its ServiceTemplate found (the team's namespace, then the system namespace), a template change
 * checked against the service's ServiceTemplateChain, the template's `k8sConstraint` checked
 * against the cluster's real version, the chart or manifests loaded, valuesFrom read, and the
 * whole through the gate (values schema, objects' schemas, the team's policies). The outcome is
 * the objects to apply, or a state (Failed / Pending) with its reason.
 */
import { availableUpgrades, SERVICE_TEMPLATE_CHAIN_TYPE } from '../../api/template-chain.js';
import { runServiceGate } from '../../gate/service.js';
import type { LoadedPolicy } from '../../policy/load.js';
import type { TemplateChartLoader } from '../../resolve/template-chart.js';
import { checkK8sConstraint } from '../../services/k8s-constraint.js';
import type { DesiredService, ServiceState, ServiceStateName } from '../../services/types.js';
import { isNotFound } from '../../store/errors.js';
import type { KubeObject, ResourceType, Store } from '../../store/types.js';
import type { PlainObject } from '../../util/plain-object.js';
import { isForbidden, notGranted } from './access.js';
import { objectsHash, prepareObjects, type RenderedService } from './deliver.js';
import { findServiceTemplate, loadServiceTemplate, ServiceTemplateError } from './service-templates.js';

export type ServiceResult = Omit<ServiceState, 'lastStateTransitionTime'>;

export interface RenderDeps {
  store: Pick<Store, 'get' | 'list'>;
  loader: TemplateChartLoader;
  policies: readonly LoadedPolicy[];
  /** Whether the cluster serves a kind in namespaces (its discovery). */
  namespaced: (type: ResourceType) => Promise<boolean>;
}

export function serviceResult(
  d: DesiredService,
  state: ServiceStateName,
  reason: string,
  message: string,
): ServiceResult {
  return {
    name: d.name,
    namespace: d.namespace,
    template: d.template,
    owner: d.owner,
    state,
    reason,
    message,
  };
}

/**
 * `previousTemplate`: the template installed now (from the cluster's inventory), for the chain
 * check. `kubeVersion`: the cluster's version (`v1.37.2`).
 */
export async function renderService(
  deps: RenderDeps,
  cluster: { namespace: string; name: string; teamLabels?: Record<string, string>; tenancy?: boolean },
  d: DesiredService,
  kubeVersion: string,
  previousTemplate: string | undefined,
): Promise<RenderedService | ServiceResult> {
  const ns = cluster.namespace;
  const key = `${d.namespace}/${d.name}`;
  try {
    const template = await findServiceTemplate(deps.store, ns, d.template, {
      ...(cluster.tenancy ? { tenancy: true } : {}),
      owner: d.owner,
    });
    if (previousTemplate && previousTemplate !== d.template && d.templateChain) {
      const chainNs = template.metadata.namespace ?? ns;
      const chains = (
        await deps.store.list(SERVICE_TEMPLATE_CHAIN_TYPE, { namespace: chainNs })
      ).items.filter((c) => c.metadata.name === d.templateChain);
      if (chains.length === 0)
        return serviceResult(
          d,
          'Failed',
          'ChainNotFound',
          `ServiceTemplateChain ${d.templateChain} is not in namespace ${chainNs}`,
        );
      const allowed = availableUpgrades(chains, previousTemplate);
      if (!allowed.includes(d.template))
        return serviceResult(
          d,
          'Failed',
          'UpgradeNotAllowed',
          `ServiceTemplateChain ${d.templateChain} does not allow ${previousTemplate} -> ${d.template} (allowed: ${allowed.join(', ') || 'none'}); ${previousTemplate} stays`,
        );
    }
    const spec = (template.spec ?? {}) as PlainObject;
    const constraint =
      (typeof spec.k8sConstraint === 'string' && spec.k8sConstraint) ||
      template.metadata.annotations?.['k0rdent.mirantis.com/k8s-version-constraint'] ||
      '';
    if (constraint) {
      const check = checkK8sConstraint(constraint, kubeVersion);
      if (!check.ok)
        return serviceResult(d, 'Failed', check.reason, `ServiceTemplate ${d.template}: ${check.message}`);
    }
    const loaded = await loadServiceTemplate(deps.store, deps.loader, template);
    const valuesFrom = await readValuesFrom(deps.store, ns, d);
    const verdict = runServiceGate({
      service: {
        name: d.name,
        namespace: d.namespace,
        template: d.template,
        owner: d.owner,
        ...(d.values ? { values: d.values } : {}),
        valuesFrom,
      },
      cluster: { namespace: ns, name: cluster.name },
      source:
        loaded.kind === 'chart'
          ? { chart: loaded.chart }
          : { manifests: loaded.manifests, origin: loaded.origin },
      kubeVersion,
      policies: deps.policies,
      ...(cluster.teamLabels ? { teamLabels: cluster.teamLabels } : {}),
    });
    if (!verdict.allowed) {
      const errors = verdict.violations.filter((v) => v.severity === 'error');
      const denied = errors.some((v) => v.stage === 'policy');
      const text = errors
        .slice(0, 3)
        .map((v) => {
          const where =
            v.location?.file && !v.policy
              ? ` (${v.location.file}${v.location.line ? `:${v.location.line}` : ''})`
              : '';
          return `${v.policy ? `${v.policy}/${v.rule}: ` : ''}${v.message}${where}`;
        })
        .join('; ');
      return serviceResult(
        d,
        'Failed',
        denied ? 'PolicyDenied' : 'RenderFailed',
        `${text}${errors.length > 3 ? `; and ${errors.length - 3} more` : ''}`,
      );
    }
    const objects = await prepareObjects(deps.namespaced, key, d.namespace, verdict.objects);
    const version = spec.version;
    return {
      desired: d,
      key,
      template: d.template,
      ...(typeof version === 'string' ? { version } : {}),
      objects,
      hash: objectsHash(objects),
    };
  } catch (e) {
    if (e instanceof ServiceTemplateError)
      return serviceResult(d, e.reason === 'SourceNotReady' ? 'Pending' : 'Failed', e.reason, e.message);
    throw e;
  }
}

/** valuesFrom: each ConfigMap / Secret of the cluster's namespace, every key a values document. */
async function readValuesFrom(
  store: Pick<Store, 'get'>,
  ns: string,
  d: DesiredService,
): Promise<{ label: string; text: string }[]> {
  const out: { label: string; text: string }[] = [];
  for (const ref of d.valuesFrom ?? []) {
    let obj: KubeObject;
    try {
      obj = await store.get({ apiVersion: 'v1', kind: ref.kind, namespace: ns, name: ref.name });
    } catch (e) {
      if (isNotFound(e) || (e as { code?: unknown }).code === 404)
        throw new ServiceTemplateError(
          'SourceNotReady',
          `valuesFrom ${ref.kind} ${ns}/${ref.name} does not exist`,
        );
      if (isForbidden(e))
        throw new ServiceTemplateError(
          'SourceNotReady',
          notGranted(ref.kind, ns, ref.name, `valuesFrom of service ${d.namespace}/${d.name}`),
        );
      throw e;
    }
    const data = ((obj as { data?: Record<string, string> }).data ?? {}) as Record<string, string>;
    for (const key of Object.keys(data).sort()) {
      const text =
        ref.kind === 'Secret' ? Buffer.from(data[key] ?? '', 'base64').toString('utf8') : (data[key] ?? '');
      out.push({ label: `${ref.kind} ${ns}/${ref.name} key ${key}`, text });
    }
  }
  return out;
}
