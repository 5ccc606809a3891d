/** A reconciler on an in-memory (or file) store, the simulated cloud and a ManualClock. */

import type { ClusterEvent } from '../../src/api/event.js';
import { compareEvents, EVENT_TYPE } from '../../src/api/event.js';
import { MACHINE_TYPE, type Machine } from '../../src/api/machine.js';
import type { DeploymentStatus } from '../../src/controller/deployment.js';
import { type Controller, type ControllerOptions, createController } from '../../src/controller/index.js';
import { deploymentTemplate } from '../../src/controller/templates.js';
import type { LoadedPolicy } from '../../src/policy/load.js';
import { loadPolicyFiles } from '../../src/policy/policy-files.js';
import { embeddedRegistry, ManualClock, SimulatedCloud } from '../../src/providers/index.js';
import type { SimulatedCloudOptions } from '../../src/providers/simulated/config.js';
import { TemplateCatalog } from '../../src/resolve/catalog.js';
import { openSqliteStore } from '../../src/store/index.js';
import type { KubeObject, Store } from '../../src/store/types.js';

export const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' } as const;

export interface HarnessOptions {
  statePath?: string;
  cloudPath?: string;
  clock?: ManualClock;
  templates?: string[];
  policies?: string[];
  cloud?: SimulatedCloudOptions;
  controller?: Partial<ControllerOptions>;
}

export class Harness {
  readonly clock: ManualClock;
  readonly store: Store;
  readonly cloud: SimulatedCloud;
  readonly controller: Controller;

  constructor(readonly opts: HarnessOptions = {}) {
    this.clock = opts.clock ?? new ManualClock();
    const clock = this.clock;
    this.store = openSqliteStore(opts.statePath ?? ':memory:', {
      clock,
    });
    this.cloud = new SimulatedCloud({ clock, path: opts.cloudPath ?? ':memory:', ...(opts.cloud ?? {}) });
    const policies: LoadedPolicy[] = loadPolicyFiles(opts.policies ?? []);
    this.controller = createController({
      store: this.store,
      registry: embeddedRegistry(this.cloud),
      clock,
      catalog: new TemplateCatalog(opts.templates ?? []),
      policies,
      ...(opts.controller ?? {}),
    });
  }

  async apply(
    name: string,
    spec: Record<string, unknown>,
    extra: { namespace?: string; annotations?: Record<string, string> } = {},
  ): Promise<KubeObject> {
    const namespace = extra.namespace ?? 'team-a';
    try {
      const old = await this.store.get({ ...CD, namespace, name });
      return await this.store.update({
        ...old,
        metadata: { ...old.metadata, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
        spec,
      });
    } catch {
      return this.store.create({
        ...CD,
        metadata: { name, namespace, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
        spec,
      });
    }
  }

  readonly cdType = CD;

  cdRef(name: string, namespace = 'team-a') {
    return { ...CD, namespace, name };
  }

  async cd(name: string, namespace = 'team-a'): Promise<KubeObject & { status?: DeploymentStatus }> {
    return this.store.get({ ...CD, namespace, name }) as Promise<KubeObject & { status?: DeploymentStatus }>;
  }

  async condition(name: string, type: string, namespace = 'team-a') {
    try {
      return (await this.cd(name, namespace)).status?.conditions?.find((c) => c.type === type);
    } catch {
      return undefined;
    }
  }

  /** The objects the stored deployment renders to, as its pass renders them (a dryRun deployment stores none). */
  async rendered(name: string, namespace = 'team-a'): Promise<Array<Record<string, unknown>>> {
    const cd = await this.cd(name, namespace);
    const { gate } = this.controller;
    const template = await deploymentTemplate(
      this.store,
      gate.loader,
      namespace,
      String((cd.spec as { template?: unknown }).template),
    );
    return gate.run(cd, undefined, template).objects;
  }

  async machines(namespace = 'team-a'): Promise<Machine[]> {
    return (await this.store.list(MACHINE_TYPE, { namespace })).items as Machine[];
  }

  async events(namespace = 'team-a'): Promise<ClusterEvent[]> {
    return ((await this.store.list(EVENT_TYPE, { namespace })).items as ClusterEvent[]).sort(compareEvents);
  }

  /** Runs until the condition holds; fails the test when it does not within maxVirtualMs. */
  async until(pred: () => Promise<boolean> | boolean, maxVirtualMs = 3_600_000): Promise<void> {
    const ok = await this.controller.runtime.runManual(this.clock, { until: pred, maxVirtualMs });
    if (!ok) throw new Error(`condition not reached within ${maxVirtualMs / 1000}s of simulated time`);
  }

  async untilReady(name: string, namespace = 'team-a', maxVirtualMs?: number): Promise<void> {
    await this.until(
      async () => (await this.condition(name, 'Ready', namespace))?.status === 'True',
      maxVirtualMs,
    );
  }

  /** Runs for a stretch of simulated time. */
  async runFor(ms: number): Promise<void> {
    const end = this.clock.now() + ms;
    await this.controller.runtime.runManual(this.clock, {
      until: () => this.clock.now() >= end,
      maxVirtualMs: ms + 60_000,
    });
  }

  async close(): Promise<void> {
    await this.controller.runtime.stop();
    await this.store.close();
    this.cloud.close();
  }
}
