// The values the global setups provide to tests (vitest provide/inject).
import type { CapiInfo } from './capi.js';
import type { TestenvInfo } from './cluster.js';

export type SetupState<T> =
  | { info: T }
  /** The binaries are not installed: tests skip (and fail under CI=true). */
  | { unavailable: string }
  /** The binaries are there but the environment could not be started: tests fail. */
  | { error: string };

export type TestenvState = SetupState<TestenvInfo>;
/** An API server of its own with Cluster API's managers on it (test/capi/). */
export type CapiTestenvInfo = TestenvInfo & { capi: CapiInfo };
export type CapiState = SetupState<CapiTestenvInfo>;

export const PROVIDE_KEY = 'clustermintTestenv';
export const CAPI_PROVIDE_KEY = 'clustermintCapi';

declare module 'vitest' {
  export interface ProvidedContext {
    clustermintTestenv: TestenvState;
    clustermintCapi: CapiState;
  }
}
