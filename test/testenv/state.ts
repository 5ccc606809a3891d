// The value the global setup provides to tests (vitest provide/inject).
import type { TestenvInfo } from './cluster.js';

export type TestenvState =
  | { info: TestenvInfo }
  /** The binaries are not installed: tests skip (and fail under CI=true). */
  | { unavailable: string }
  /** The binaries are there but the environment could not be started: tests fail. */
  | { error: string };

export const PROVIDE_KEY = 'clustermintTestenv';

declare module 'vitest' {
  export interface ProvidedContext {
    clustermintTestenv: TestenvState;
  }
}
