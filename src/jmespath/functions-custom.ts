/** kyverno-json's own functions (pkg/jp/functions): at, concat, json_parse, wildcard. */

import { goJsonParse } from '../go/json.js';
import { JpError } from './errors.js';
import { arg, type FunctionEntry } from './types.js';
import { wildcardMatch } from './wildcard.js';

export const customFunctions: FunctionEntry[] = [
  {
    name: 'at',
    args: [arg('array'), arg('number')],
    handler: ([list, index]) => {
      if (!Array.isArray(list)) throw new JpError('invalid type, first argument must be an array');
      if (typeof index !== 'number') throw new JpError('invalid type, second argument must be an int');
      const i = Math.trunc(index);
      // Upstream indexes the Go slice without a bounds check (a runtime panic).
      if (!(i >= 0 && i < list.length)) {
        throw new JpError(
          `runtime error: index out of range [${i}]${i >= 0 ? ` with length ${list.length}` : ''}`,
        );
      }
      return list[i];
    },
  },
  {
    name: 'concat',
    args: [arg('string'), arg('string')],
    handler: ([a, b]) => {
      if (typeof a !== 'string') throw new JpError('invalid type, first argument must be a string');
      if (typeof b !== 'string') throw new JpError('invalid type, second argument must be a string');
      return a + b;
    },
  },
  {
    name: 'json_parse',
    args: [arg('string')],
    handler: ([data]) => {
      if (typeof data !== 'string') throw new JpError('invalid type, first argument must be a string');
      try {
        return goJsonParse(data);
      } catch (e) {
        throw new JpError((e as Error).message);
      }
    },
  },
  {
    name: 'wildcard',
    args: [arg('string'), arg('string')],
    handler: ([pattern, name]) => {
      if (typeof pattern !== 'string') throw new JpError('invalid type, first argument must be a string');
      if (typeof name !== 'string') throw new JpError('invalid type, second argument must be a string');
      return wildcardMatch(pattern, name);
    },
  },
];
