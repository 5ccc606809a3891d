/**
 * JSON-lines logging (pino) for the long-running commands (controller, webhook), loaded on
 * demand so that the CLI bundle does not carry it. Tests and benchmarks pass their own
 * destination or level `silent`.
 */
import { createRequire } from 'node:module';
import type { DestinationStream, Logger } from 'pino';

const require = createRequire(import.meta.url);

export type { DestinationStream, Logger };

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(v: unknown): v is LogLevel {
  return typeof v === 'string' && (LOG_LEVELS as readonly string[]).includes(v);
}

export interface LoggerOptions {
  level?: LogLevel;
  /** The `component` field of every line, e.g. `clustermint-controller`. */
  component: string;
  /** Default: standard output, asynchronously (call flush() before exiting). */
  destination?: DestinationStream;
}

export function createLogger(o: LoggerOptions): Logger {
  const pino = require('pino') as typeof import('pino').default;
  return pino(
    { level: o.level ?? 'info', base: { component: o.component }, timestamp: pino.stdTimeFunctions.isoTime },
    o.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
