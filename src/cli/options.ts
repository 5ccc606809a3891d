/** Option parsers shared by the commands (commander's argParser callbacks). */
import { parseMaxMachines } from '../domain/machine-ceiling.js';
import { ClustermintError } from '../util/errors.js';

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function outputFormat(value: string): 'yaml' | 'json' {
  if (value !== 'yaml' && value !== 'json') {
    throw new ClustermintError('USAGE', `--output must be yaml or json, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `--max-machines N`: the platform's ceiling on machines per deployment (a whole number, at least 1). */
export function maxMachinesOption(value: string): number {
  const n = parseMaxMachines(value);
  if (n === undefined)
    throw new ClustermintError(
      'USAGE',
      `--max-machines must be a whole number of at least 1, got ${JSON.stringify(value)}`,
    );
  return n;
}

/** Commands that give commander the default print it after this; the others say it themselves. */
export const MAX_MACHINES_HELP = 'most machines one deployment may ask for, a platform limit no policy lifts';

/** `--parallel N` and the like: a whole number from 1 to 64. */
export function threadsOption(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 64)
    throw new ClustermintError(
      'USAGE',
      `${flag} must be a whole number from 1 to 64, got ${JSON.stringify(value)}`,
    );
  return n;
}
