/**
 * JSON-lines logging (pino), loaded on demand so that the CLI bundle does not carry it. Tests
 * and the benchmark pass their own destination or level `silent`.
 */
import { createRequire } from 'node:module';
import type { DestinationStream, Logger } from 'pino';

const require = createRequire(import.meta.url);

export type { Logger };

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  const pino = require('pino') as typeof import('pino').default;
  return pino(
    { level, base: { component: 'clustermint-webhook' }, timestamp: pino.stdTimeFunctions.isoTime },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
