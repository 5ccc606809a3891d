/**
 * Reading bootstrap options out of the rendered bootstrap and control-plane objects:
 * K0sControlPlane / K0sWorkerConfigTemplate (k0smotron), KubeadmControlPlane /
 * KubeadmConfigTemplate (CAPI kubeadm), K0smotronControlPlane (hosted).
 */
import type {
  BootstrapFile,
  BootstrapOptions,
  HostedControlPlaneSpec,
  MachineControlPlaneSpec,
  ObjectRef,
  RenderedObject,
  UnresolvedBootstrapFile,
} from '../contract.js';
import { TerminalProviderError } from '../errors.js';
import { at, isRecord, numberAt, stringAt, stringsAt } from '../objects.js';
import { parseVersion } from '../version.js';

interface Files {
  files: BootstrapFile[];
  unresolvedFiles: UnresolvedBootstrapFile[];
}

function readFiles(list: unknown, where: string): Files {
  const out: Files = { files: [], unresolvedFiles: [] };
  if (!Array.isArray(list)) return out;
  list.forEach((f, i) => {
    if (!isRecord(f) || typeof f.path !== 'string') {
      throw new TerminalProviderError('InvalidBootstrapConfig', `${where}.files[${i}] has no path`);
    }
    const permissions = typeof f.permissions === 'string' ? f.permissions : undefined;
    if (typeof f.content === 'string') {
      out.files.push({ path: f.path, content: f.content, ...(permissions ? { permissions } : {}) });
      return;
    }
    for (const [field, kind] of [
      ['secretRef', 'Secret'],
      ['configMapRef', 'ConfigMap'],
    ] as const) {
      const ref = at(f, 'contentFrom', field);
      if (isRecord(ref) && typeof ref.name === 'string' && typeof ref.key === 'string') {
        out.unresolvedFiles.push({
          path: f.path,
          ...(permissions ? { permissions } : {}),
          contentFrom: { kind, name: ref.name, key: ref.key },
        });
        return;
      }
    }
    throw new TerminalProviderError(
      'InvalidBootstrapConfig',
      `${where}.files[${i}] has neither content nor contentFrom`,
    );
  });
  return out;
}

function k0sOptions(spec: unknown, where: string): BootstrapOptions & Files {
  const { files, unresolvedFiles } = readFiles(at(spec, 'files'), where);
  const opts: BootstrapOptions & Files = { files, unresolvedFiles };
  const args = stringsAt(spec, 'args');
  if (args?.length) opts.args = args;
  const pre = stringsAt(spec, 'preK0sCommands');
  if (pre?.length) opts.preCommands = pre;
  const post = stringsAt(spec, 'postK0sCommands');
  if (post?.length) opts.postCommands = post;
  const url = stringAt(spec, 'downloadURL');
  if (url) opts.downloadURL = url;
  const k0s = at(spec, 'k0s');
  if (isRecord(k0s)) opts.config = k0s;
  return opts;
}

function kubeadmOptions(spec: unknown, where: string): BootstrapOptions & Files {
  const { files, unresolvedFiles } = readFiles(at(spec, 'files'), where);
  const opts: BootstrapOptions & Files = { files, unresolvedFiles };
  const pre = stringsAt(spec, 'preKubeadmCommands');
  if (pre?.length) opts.preCommands = pre;
  const post = stringsAt(spec, 'postKubeadmCommands');
  if (post?.length) opts.postCommands = post;
  const cc = at(spec, 'clusterConfiguration');
  if (isRecord(cc)) opts.config = cc;
  return opts;
}

function split(o: BootstrapOptions & Files): {
  options: BootstrapOptions;
  unresolvedFiles: UnresolvedBootstrapFile[];
} {
  const { unresolvedFiles, files, ...rest } = o;
  const options: BootstrapOptions = files.length ? { ...rest, files } : rest;
  return { options, unresolvedFiles };
}

/** Options of a worker bootstrap config template (K0sWorkerConfigTemplate, KubeadmConfigTemplate). */
export function workerBootstrapOptions(
  obj: RenderedObject,
  distribution: 'k0s' | 'kubeadm',
): { options: BootstrapOptions; unresolvedFiles: UnresolvedBootstrapFile[] } {
  const isTemplate = obj.kind.endsWith('Template');
  const spec = isTemplate ? at(obj, 'spec', 'template', 'spec') : obj.spec;
  const where = isTemplate ? 'spec.template.spec' : 'spec';
  if (distribution === 'kubeadm') return split(kubeadmOptions(spec, where));
  const out = split(k0sOptions(spec, where));
  const version = stringAt(spec, 'version');
  if (version) {
    parseVersion(version, `${obj.kind} ${obj.metadata.name} ${where}.version`);
    out.options.distributionVersion = version;
  }
  return out;
}

function replicasOf(obj: RenderedObject): number {
  const r = numberAt(obj, 'spec', 'replicas') ?? 1;
  if (!Number.isInteger(r) || r < 0) {
    throw new TerminalProviderError(
      'InvalidControlPlane',
      `${obj.kind} ${obj.metadata.name}: spec.replicas ${r} is not a count`,
    );
  }
  return r;
}

function versionOf(obj: RenderedObject): { version: string; distributionVersion: string } {
  const raw = stringAt(obj, 'spec', 'version');
  if (!raw)
    throw new TerminalProviderError(
      'InvalidControlPlane',
      `${obj.kind} ${obj.metadata.name} has no spec.version`,
    );
  return {
    version: parseVersion(raw, `${obj.kind} ${obj.metadata.name} spec.version`).kubernetes,
    distributionVersion: raw,
  };
}

function templateRef(obj: RenderedObject): ObjectRef {
  // v1beta2 KubeadmControlPlane: spec.machineTemplate.spec.infrastructureRef; others: spec.machineTemplate.infrastructureRef.
  const ref =
    at(obj, 'spec', 'machineTemplate', 'infrastructureRef') ??
    at(obj, 'spec', 'machineTemplate', 'spec', 'infrastructureRef');
  if (!isRecord(ref) || typeof ref.kind !== 'string' || typeof ref.name !== 'string') {
    throw new TerminalProviderError(
      'InvalidControlPlane',
      `${obj.kind} ${obj.metadata.name} has no machineTemplate infrastructureRef`,
    );
  }
  const out: ObjectRef = { kind: ref.kind, name: ref.name };
  if (typeof ref.apiVersion === 'string') out.apiVersion = ref.apiVersion;
  if (typeof ref.apiGroup === 'string') out.apiGroup = ref.apiGroup;
  if (typeof ref.namespace === 'string') out.namespace = ref.namespace;
  return out;
}

export function machineControlPlaneSpec(
  obj: RenderedObject,
  distribution: 'k0s' | 'kubeadm',
): MachineControlPlaneSpec {
  const { version, distributionVersion } = versionOf(obj);
  const o =
    distribution === 'k0s'
      ? k0sOptions(at(obj, 'spec', 'k0sConfigSpec'), 'spec.k0sConfigSpec')
      : kubeadmOptions(at(obj, 'spec', 'kubeadmConfigSpec'), 'spec.kubeadmConfigSpec');
  const { options, unresolvedFiles } = split(o);
  if (distribution === 'k0s') options.distributionVersion = distributionVersion;
  return {
    mode: 'machines',
    replicas: replicasOf(obj),
    version,
    distributionVersion,
    machineTemplate: templateRef(obj),
    bootstrapOptions: options,
    unresolvedFiles,
  };
}

export function hostedControlPlaneSpec(obj: RenderedObject): HostedControlPlaneSpec {
  const { version, distributionVersion } = versionOf(obj);
  return { mode: 'hosted', replicas: replicasOf(obj), version, distributionVersion };
}
