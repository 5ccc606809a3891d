/** `clustermint` entry: every command of the full CLI (program.ts builds the tree and maps exit codes). */
import type { Command } from 'commander';
import { registerApply } from './apply.js';
import { registerCheck } from './check.js';
import { registerController } from './controller.js';
import { registerDelete } from './delete.js';
import { registerDescribe } from './describe.js';
import { registerGet } from './get.js';
import { registerHistory } from './history.js';
import type { IO } from './io.js';
import { registerKubeconfig } from './kubeconfig.js';
import { registerLint } from './lint.js';
import { registerNamespace } from './namespace.js';
import { registerPlan } from './plan.js';
import { buildProgram as buildCommandTree, runProgram, type Wrap } from './program.js';
import { registerRender } from './render.js';
import { registerScan } from './scan.js';
import { registerTemplate } from './template.js';
import { registerWebhook } from './webhook.js';

/** Every command of the full CLI. */
function registerAll(program: Command, io: IO, wrap: Wrap): void {
  registerTemplate(program, io, wrap);
  registerRender(program, io, wrap);
  registerLint(program, io, wrap);
  registerScan(program, io, wrap);
  registerCheck(program, io, wrap);
  registerPlan(program, io, wrap);
  registerApply(program, io, wrap);
  registerGet(program, io, wrap);
  registerDescribe(program, io, wrap);
  registerDelete(program, io, wrap);
  registerHistory(program, io, wrap);
  registerNamespace(program, io, wrap);
  registerKubeconfig(program, io, wrap);
  registerController(program, io, wrap);
  registerWebhook(program, io, wrap);
}

export function buildProgram(io: IO, setResult: (code: number) => void): Command {
  return buildCommandTree(io, setResult, registerAll);
}

export function cli(argv: readonly string[], io: IO): Promise<number> {
  return runProgram(argv, io, registerAll);
}
