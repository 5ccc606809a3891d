/**
 * Progress of ClusterDeployments as `apply --wait` shows it and `describe` details it: one line
 * per deployment (phase, machines ready/desired, version, current step), the ordered upgrade
 * steps with their state, and a live display that redraws those lines on a terminal.
 */
import type { DeploymentStatus } from '../controller/deployment.js';
import { KNOWN_KUBERNETES_VERSIONS, planControlPlaneUpgrade } from '../domain/upgrade-path.js';
import type { KubeObject } from '../store/types.js';
import { printable } from '../util/printable.js';

export interface Progress {
  phase: string;
  /** `ready/desired` machines. */
  machines: string;
  version: string;
  /** What the reconciler is doing now, in a few words. */
  step: string;
}

export interface UpgradeStep {
  text: string;
  state: 'done' | 'in progress' | 'pending' | 'deferred';
  /** How far an in-progress step is, or why a step is deferred. */
  detail?: string;
}

const conditionOf = (st: DeploymentStatus, type: string) => st.conditions?.find((c) => c.type === type);

/** The ordered upgrade steps of a deployment's status (control plane one minor at a time, then workers). */
export function upgradeSteps(st: DeploymentStatus): UpgradeStep[] {
  const up = st.upgrade;
  if (!up) return [];
  const cp = st.controlPlane;
  const at = cp?.version ?? up.from;
  // The stored remaining steps shrink as the upgrade moves on: plan the whole path again.
  const plan = planControlPlaneUpgrade(up.from, up.to, [
    ...KNOWN_KUBERNETES_VERSIONS,
    ...up.controlPlaneSteps,
  ]);
  const cpSteps = plan.ok ? plan.steps : up.controlPlaneSteps;
  const out: UpgradeStep[] = [];
  // A step is done once its machines are updated and ready.
  const cpRolled = cp !== undefined && cp.updatedReplicas >= cp.replicas && cp.readyReplicas >= cp.replicas;
  for (const [i, v] of cpSteps.entries()) {
    const from = i === 0 ? up.from : cpSteps[i - 1];
    const state =
      compare(v, at) < 0 || (v === at && cpRolled) ? 'done' : v === at ? 'in progress' : 'pending';
    out.push({
      text: `control plane ${from} -> ${v}`,
      state,
      ...(state === 'in progress' && cp
        ? { detail: `${cp.updatedReplicas}/${cp.replicas} machines updated` }
        : {}),
    });
  }
  for (const md of st.machineDeployments ?? []) {
    const rolled = md.updatedReplicas >= md.replicas && md.readyReplicas >= md.replicas;
    const state: UpgradeStep['state'] =
      md.version === md.targetVersion
        ? rolled
          ? 'done'
          : 'in progress'
        : md.note?.startsWith('topology.')
          ? 'deferred'
          : md.version !== up.from && !rolled
            ? 'in progress'
            : 'pending';
    out.push({
      text: `workers ${md.name} ${md.version === md.targetVersion ? up.from : md.version} -> ${md.targetVersion}`,
      state,
      ...(state === 'in progress'
        ? { detail: `${md.updatedReplicas}/${md.replicas} machines updated` }
        : state === 'deferred' && md.note
          ? { detail: md.note }
          : {}),
    });
  }
  return out;
}

function compare(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[.+-]/).map(Number);
  const pb = b.replace(/^v/, '').split(/[.+-]/).map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** One deployment's progress; `undefined` is a deployment that is gone. */
export function progressOf(cd: KubeObject | undefined): Progress {
  if (!cd) return { phase: 'Deleted', machines: '0/0', version: '-', step: 'gone' };
  const st = (cd.status ?? {}) as DeploymentStatus;
  const desired =
    (st.controlPlane?.replicas ?? 0) + (st.machineDeployments ?? []).reduce((n, p) => n + p.replicas, 0);
  const machines = `${st.machines?.ready ?? 0}/${desired}`;
  const version = st.k8sVersion ?? '-';
  const ready = conditionOf(st, 'Ready');
  if (cd.metadata.deletionTimestamp) {
    const del = conditionOf(st, 'Deleting');
    return { phase: 'Deleting', machines, version, step: del?.message ?? 'deleting' };
  }
  if (st.observedGeneration !== cd.metadata.generation || !ready)
    return { phase: st.phase ?? 'Pending', machines, version, step: 'waiting for the reconciler' };
  const upgrading = conditionOf(st, 'UpgradeInProgress');
  let step = ready.message;
  if (ready.status !== 'True' && upgrading?.status === 'True' && st.upgrade) {
    const steps = upgradeSteps(st);
    const current = steps.findIndex((s) => s.state === 'in progress');
    step =
      current >= 0
        ? `upgrade step ${current + 1}/${steps.length}: ${steps[current].text}, ${steps[current].detail}`
        : `upgrade ${st.upgrade.from} -> ${st.upgrade.to}: ${upgrading.message}`;
  } else if (ready.status !== 'True') {
    const waiting = ['InfrastructureReady', 'ControlPlaneReady', 'WorkersReady']
      .map((t) => conditionOf(st, t))
      .find((c) => c && c.status !== 'True');
    if (waiting) step = waiting.message;
  }
  return { phase: st.phase ?? 'Pending', machines, version, step };
}

/** The progress line of a deployment (also the plain-text form of the live display). */
export function progressLine(key: string, p: Progress): string {
  return `${key}  ${p.phase}  machines ${p.machines}  ${p.version}  ${p.step}`;
}

/**
 * Lines that redraw in place on a terminal: each `render` moves the cursor back over the lines
 * drawn before and rewrites them (each cut to the terminal's width, so none wraps). It writes to
 * the raw stream (its own escape sequences must pass), so it escapes the lines itself.
 */
export class LiveLines {
  private drawn = 0;
  private frame = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly columns: () => number,
  ) {}

  render(lines: string[]): void {
    const spin = '|/-\\'[this.frame++ % 4];
    const width = Math.max(20, this.columns() - 1);
    let out = this.drawn ? `\x1b[${this.drawn}A` : '';
    for (const l of lines)
      out += `\r\x1b[2K${`${spin} ${printable(l, { oneLine: true })}`.slice(0, width)}\n`;
    this.write(out);
    this.drawn = lines.length;
  }

  /** The last frame stays on screen, without the spinner. */
  done(lines: string[]): void {
    let out = this.drawn ? `\x1b[${this.drawn}A` : '';
    const width = Math.max(20, this.columns() - 1);
    for (const l of lines) out += `\r\x1b[2K${`  ${printable(l, { oneLine: true })}`.slice(0, width)}\n`;
    this.write(out);
    this.drawn = 0;
  }
}
