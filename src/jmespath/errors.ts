/** Error texts of go-jmespath and kyverno-json's JMESPath functions. */
import { chargeWalk } from '../expression/budget.js';
import { goValue } from '../go/json-format.js';
import type { JpType } from './types.js';

/** An evaluation error; the message is what kyverno-json prints. */
export class JpError extends Error {}

export function tooFewArguments(name: string, count: number, min: number, variadic: boolean): string {
  const more = variadic ? 'or more ' : '';
  const report = count === 0 ? 'none ' : `${variadic ? 'only ' : ''}${count} `;
  const plural = min > 1 ? 's' : '';
  return `invalid arity, the function '${name}' expects ${min} argument${plural} ${more}but ${report}were supplied`;
}

export function tooManyArguments(name: string, count: number, max: number): string {
  return `invalid arity, the function '${name}' expects at most ${max} arguments but ${count} were supplied`;
}

/** Go `%#v` of a `[]functions.JpType`. */
export function goTypeList(types: readonly JpType[]): string {
  return `[]functions.JpType{${types.map((t) => JSON.stringify(t)).join(', ')}}`;
}

export function invalidType(arg: unknown, types: readonly JpType[]): JpError {
  chargeWalk(arg); // the message prints the value
  return new JpError(`invalid type for: ${goValue(arg)}, expected: ${goTypeList(types)}`);
}

/** `JMESPath function '<name>': <message>` (kyverno's genericError). */
export function fnError(name: string, message: string): JpError {
  return new JpError(`JMESPath function '${name}': ${message}`);
}

/** kyverno's invalidArgumentTypeError. */
export function argTypeError(name: string, index: number, kind: string): JpError {
  return fnError(name, `argument #${index} is not of type ${kind}`);
}

export function notAnInteger(name: string, arg: string): JpError {
  return new JpError(`invalid value, the function '${name}' expects its '${arg}' argument to be an integer.`);
}

export function notAPositiveInteger(name: string, arg: string): JpError {
  return new JpError(
    `invalid value, the function '${name}' expects its '${arg}' argument to be a an integer value greater than or equal to zero.`,
  );
}
