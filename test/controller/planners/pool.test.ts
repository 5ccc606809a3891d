/** planPool (pool.ts): a pool's machines and its shape in, what to create and delete out. */
import { describe, expect, it } from 'vitest';
import type { Machine } from '../../../src/api/machine.js';
import { deletePriority, planPool } from '../../../src/controller/pool.js';
import { type MachineOptions, machine } from './machines.js';

/** `name:opts` rows: `n1` new+ready, `o1` old+ready; `~` not ready, `x` deleting. */
function pool(spec: string, extra: Record<string, MachineOptions> = {}): Machine[] {
  return spec
    .split(' ')
    .filter(Boolean)
    .map((tok, i) => {
      const name = tok.replace(/[~x]/g, '');
      return machine(name, {
        hash: name.startsWith('n') ? 'new' : 'old',
        ready: !tok.includes('~'),
        deleting: tok.includes('x'),
        age: i * 10,
        ...(extra[name] ?? {}),
      });
    });
}

interface Row {
  name: string;
  machines: string;
  replicas: number;
  surge?: number;
  unavailable?: number;
  oneAtATime?: boolean;
  unhealthy?: string[];
  extra?: Record<string, MachineOptions>;
  create: number;
  delete: string[];
  waiting?: string;
}

const rows: Row[] = [
  // Control plane: one change at a time, surge first.
  { name: 'cp: empty pool creates one', machines: '', replicas: 3, oneAtATime: true, create: 1, delete: [] },
  { name: 'cp: grows one at a time', machines: 'n1', replicas: 3, oneAtATime: true, create: 1, delete: [] },
  { name: 'cp: complete', machines: 'n1 n2 n3', replicas: 3, oneAtATime: true, create: 0, delete: [] },
  {
    name: 'cp: waits for a starting machine',
    machines: 'n1 n2~',
    replicas: 3,
    oneAtATime: true,
    create: 0,
    delete: [],
    waiting: 'machine n2 is starting',
  },
  {
    name: 'cp: waits for a deleting machine',
    machines: 'n1 o2x n3',
    replicas: 3,
    oneAtATime: true,
    create: 0,
    delete: [],
    waiting: 'a machine is being deleted',
  },
  {
    name: 'cp: an unhealthy not-ready machine does not block',
    machines: 'n1 n2~',
    replicas: 3,
    oneAtATime: true,
    unhealthy: ['n2'],
    create: 1,
    delete: [],
  },
  {
    name: 'cp: upgrade surges first',
    machines: 'o1 o2 o3',
    replicas: 3,
    oneAtATime: true,
    create: 1,
    delete: [],
  },
  {
    name: 'cp: then deletes the oldest outdated',
    machines: 'o1 o2 o3 n4',
    replicas: 3,
    oneAtATime: true,
    create: 0,
    delete: ['o1'],
  },
  {
    name: 'cp: deletes an unhealthy outdated one first',
    machines: 'o1 o2 o3 n4',
    replicas: 3,
    oneAtATime: true,
    unhealthy: ['o3'],
    create: 0,
    delete: ['o3'],
  },
  {
    name: 'cp: scale down takes the oldest',
    machines: 'n1 n2 n3',
    replicas: 1,
    oneAtATime: true,
    create: 0,
    delete: ['n1'],
  },
  {
    name: 'cp: scale down takes an unhealthy one first',
    machines: 'n1 n2 n3',
    replicas: 2,
    oneAtATime: true,
    unhealthy: ['n3'],
    create: 0,
    delete: ['n3'],
  },
  {
    name: 'cp: zero replicas deletes one at a time',
    machines: 'n1 n2',
    replicas: 0,
    oneAtATime: true,
    create: 0,
    delete: ['n1'],
  },
  // MachineDeployments: scaling.
  { name: 'md: empty pool creates all', machines: '', replicas: 3, create: 3, delete: [] },
  { name: 'md: fills up', machines: 'n1', replicas: 3, create: 2, delete: [] },
  { name: 'md: complete', machines: 'n1 n2', replicas: 2, create: 0, delete: [] },
  {
    name: 'md: scale down: oldest first',
    machines: 'n1 n2 n3 n4',
    replicas: 2,
    create: 0,
    delete: ['n1', 'n2'],
  },
  {
    name: 'md: scale down: unhealthy, then not ready, then oldest',
    machines: 'n1 n2 n3~ n4',
    replicas: 1,
    unhealthy: ['n4'],
    create: 0,
    delete: ['n4', 'n3', 'n1'],
  },
  { name: 'md: deleting machines do not count', machines: 'n1 n2x', replicas: 2, create: 1, delete: [] },
  // MachineDeployments: rolling update.
  {
    name: 'md: surge 1: one new machine first',
    machines: 'o1 o2 o3',
    replicas: 3,
    surge: 1,
    create: 1,
    delete: [],
  },
  {
    name: 'md: surge 1: waits while the new one starts',
    machines: 'o1 o2 o3 n4~',
    replicas: 3,
    surge: 1,
    create: 0,
    delete: [],
    waiting: 'new machines are starting',
  },
  {
    name: 'md: surge 1: an old one goes once the new one is ready',
    machines: 'o1 o2 o3 n4',
    replicas: 3,
    surge: 1,
    create: 0,
    delete: ['o1'],
  },
  {
    name: 'md: surge 2: two new at once',
    machines: 'o1 o2 o3',
    replicas: 3,
    surge: 2,
    create: 2,
    delete: [],
  },
  {
    name: 'md: surge 3 on 2 replicas: only what is missing',
    machines: 'o1 o2',
    replicas: 2,
    surge: 3,
    create: 2,
    delete: [],
  },
  {
    name: 'md: unavailable 1, surge 0: delete first',
    machines: 'o1 o2 o3',
    replicas: 3,
    surge: 0,
    unavailable: 1,
    create: 0,
    delete: ['o1'],
  },
  {
    name: 'md: unavailable 1, surge 0: then replace',
    machines: 'o2 o3',
    replicas: 3,
    surge: 0,
    unavailable: 1,
    create: 1,
    delete: [],
  },
  {
    name: 'md: unavailable 2, surge 0: two at once',
    machines: 'o1 o2 o3',
    replicas: 3,
    surge: 0,
    unavailable: 2,
    create: 0,
    delete: ['o1', 'o2'],
  },
  {
    name: 'md: a not-ready old machine goes without costing availability',
    machines: 'o1 o2~ o3 n4',
    replicas: 3,
    surge: 1,
    create: 0,
    delete: ['o2'],
  },
  {
    name: 'md: unhealthy old machines go first',
    machines: 'o1 o2 o3 n4',
    replicas: 3,
    surge: 1,
    unhealthy: ['o3'],
    create: 0,
    delete: ['o3'],
  },
  {
    name: 'md: a starting new machine holds deletion (maxUnavailable 0)',
    machines: 'o1 o2 n3~ n4',
    replicas: 3,
    surge: 1,
    create: 0,
    delete: [],
    waiting: 'new machines are starting',
  },
  { name: 'md: all new: nothing to do', machines: 'n1 n2 n3', replicas: 3, surge: 1, create: 0, delete: [] },
];

describe('planPool', () => {
  it.each(rows)('$name', (r) => {
    const plan = planPool({
      replicas: r.replicas,
      machines: pool(r.machines, r.extra),
      templateHash: 'new',
      unhealthy: new Set(r.unhealthy ?? []),
      maxSurge: r.surge ?? 1,
      maxUnavailable: r.unavailable ?? 0,
      oneAtATime: r.oneAtATime ?? false,
    });
    expect({
      create: plan.create,
      delete: plan.delete.map((m) => m.metadata.name),
      waiting: plan.waiting,
    }).toEqual({
      create: r.create,
      delete: r.delete,
      waiting: r.waiting,
    });
  });
});

describe('deletePriority', () => {
  it.each<[string, string[], string[]]>([
    ['n1 n2 n3', [], ['n1', 'n2', 'n3']],
    ['n1 n2~ n3', [], ['n2', 'n1', 'n3']],
    ['n1 n2~ n3', ['n3'], ['n3', 'n2', 'n1']],
    ['n1~ n2~ n3', ['n2'], ['n2', 'n1', 'n3']],
  ])('%s with unhealthy %j', (spec, unhealthy, order) => {
    expect([...pool(spec)].sort(deletePriority(new Set(unhealthy))).map((m) => m.metadata.name)).toEqual(
      order,
    );
  });
});
