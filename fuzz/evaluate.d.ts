import type { FuzzEnv, FuzzTarget } from './targets/index.js';

/** The finding (text) when the input breaks the target's property, else undefined. */
export function evaluate(target: FuzzTarget, input: unknown, env: FuzzEnv): Promise<string | undefined>;
