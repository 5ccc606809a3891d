/** Option parsers shared by the commands (commander's argParser callbacks). */
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
