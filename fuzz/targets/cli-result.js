// The property every CLI target shares: a documented exit code (0 ok, 1 rejected, 2 usage or
// unreadable) and never "internal error".
const EXIT_CODES = new Set([0, 1, 2]);

/** Texts of V8's own errors: a bug's message passed on as if it were the user's error. */
export const JS_ERROR =
  /Cannot read propert[a-z]* of (undefined|null)|Cannot convert [a-z ]+ to primitive|is not a function|is not iterable|is not a constructor|Maximum call stack size exceeded|Invalid string length|Invalid array length|undefined \(reading '|Cannot set propert|Cannot destructure/;

/** Runs `clustermint ...args` in-process; a finding (text) when the outcome breaks the property. */
export async function cliFinding(lib, args, env) {
  const io = lib.bufferIO();
  const code = await lib.cli(args, io);
  env?.observe?.(code, io.stderr);
  if (!EXIT_CODES.has(code) || /internal error/.test(io.stderr)) return `exit ${code}: ${tail(io.stderr)}`;
  const leak = JS_ERROR.exec(io.stderr);
  if (leak) return `a JavaScript error's text in the message (exit ${code}): ${leak[0]}\n${tail(io.stderr)}`;
  return undefined;
}

function tail(text) {
  return text.length > 2000 ? `${text.slice(0, 2000)}… (${text.length} chars)` : text;
}
