/**
 * A failure inside a template function, worded as Go + sprig word it (the reference). Each
 * engine's adapter decides how to show it: the Go engine as `error calling NAME: MESSAGE`
 * (with `runtime error: ` before a Go runtime panic), the chart engine as `NAME: MESSAGE`.
 */
export class FunctionFailure extends Error {
  constructor(
    message: string,
    /** Go reports this failure as a runtime panic (`runtime error: ...`), not an error result. */
    readonly runtimePanic = false,
  ) {
    super(message);
  }
}

/** A regular expression that RE2 refuses; engines word it differently. */
export class RegexSyntaxError extends FunctionFailure {
  constructor(
    readonly pattern: string,
    readonly detail: string,
  ) {
    super(`error parsing regexp: ${detail}`);
  }
}

/** A message the template's author wrote (`fail`, Helm's `required`): shown exactly as written. */
export class AuthorFailure extends FunctionFailure {}

export function fail(message: string): never {
  throw new FunctionFailure(message);
}

export function panic(message: string): never {
  throw new FunctionFailure(message, true);
}
