/** The webhook's logger: src/util/log.ts with component `clustermint-webhook`. */
import { createLogger as create, type DestinationStream, type Logger, type LogLevel } from '../util/log.js';

export type { Logger, LogLevel };

export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  return create({ level, component: 'clustermint-webhook', ...(destination ? { destination } : {}) });
}
