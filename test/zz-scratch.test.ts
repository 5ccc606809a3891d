import { it } from 'vitest';
import { run } from './helpers/cli.js';
import { parityCases } from './render/helm/parity-cases.js';
it('x', async () => {
  const want = (process.env.CASES ?? '').split('|');
  for (const c of parityCases) {
    if (!want.some((w) => c.name.includes(w))) continue;
    const cwd = process.cwd();
    if (c.cwd) process.chdir(c.cwd);
    const r = await run('template', ...c.args);
    process.chdir(cwd);
    console.log(`== ${c.name}: ${c.args.join(' ')}\nCODE ${r.code} ERR ${r.stderr.slice(0, 400)}`);
  }
});
