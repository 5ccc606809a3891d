// Types for the TypeScript tests (test/fuzz/) of these JavaScript modules.
import type { Arbitrary } from 'fast-check';

export interface FuzzEnv {
  lib: Record<string, any>;
  /** A temporary folder of the target's own, for the files its inputs become. */
  dir: string;
  [more: string]: unknown;
}

export interface FuzzTarget {
  name: string;
  weight: number;
  arbitrary: Arbitrary<any>;
  setup?(env: FuzzEnv): void | Promise<void>;
  run(input: any, env: FuzzEnv): string | undefined | Promise<string | undefined>;
}

export const TARGETS: readonly FuzzTarget[];
export function targetNamed(name: string): FuzzTarget | undefined;
