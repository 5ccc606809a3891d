// One input through one target, in whatever process runs it: the finding (text) when the input
// breaks the property, undefined when it holds. A target's own check returns a finding; anything
// thrown that the target let through is one too (an internal error).
export async function evaluate(target, input, env) {
  const written = [];
  const saved = {};
  // everything the product prints goes through its IO object; a direct console write bypasses
  // the escaping of control characters (and would reach a terminal raw)
  for (const m of CONSOLE) {
    saved[m] = console[m];
    console[m] = (...args) => written.push(`console.${m}: ${args.map(String).join(' ').slice(0, 300)}`);
  }
  try {
    const finding = await target.run(input, env);
    if (finding === undefined && written.length > 0)
      return `wrote to the console directly (${written[0].split(':')[0]})\n${written[0]}`;
    return finding;
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const stack = (err.stack ?? '').split('\n').slice(1, 6).join('\n');
    return `threw ${err.name}: ${err.message.slice(0, 2000)}\n${stack}`;
  } finally {
    Object.assign(console, saved);
  }
}

const CONSOLE = ['log', 'info', 'warn', 'error', 'debug', 'trace'];
