// `clustermint webhook --workers N`: N processes share the port; a worker that dies is replaced;
// SIGTERM stops them all; a worker that cannot start ends the run with its error. Runs the
// built CLI (bin/clustermint.js): skipped without `npm run build`.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliProcess, cliBuilt, eventually } from '../helpers/process.js';
import { webhookCertificates } from '../testenv/certs.js';
import { doc, reviewOf, webhookFlags } from './helpers.js';

const built = cliBuilt();
if (!built) console.warn('skipping the webhook --workers test: run npm run build first');

/** A `clustermint webhook` process and its JSON log lines. */
class WebhookProcess extends CliProcess {
  constructor(args: string[]) {
    super(['webhook', ...args]);
  }
  listening() {
    return this.lines.filter((l) => l.msg === 'listening');
  }
  children(): number[] {
    try {
      return execFileSync('pgrep', ['-P', String(this.proc.pid)], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map(Number);
    } catch {
      return []; // pgrep exits 1 when there are none
    }
  }
}

const certs = built ? webhookCertificates() : undefined;
const running: WebhookProcess[] = [];
afterAll(() => {
  for (const p of running) p.proc.kill('SIGKILL');
});

function validate(port: number, review: object): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/validate', method: 'POST', ca: certs!.caPem, agent: false },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(review));
  });
}

describe.skipIf(!built)('clustermint webhook --workers', () => {
  const common = () => webhookFlags(certs!);

  it('serves from N processes on one port, replaces a dead worker, stops all on SIGTERM', async () => {
    const p = new WebhookProcess([...common(), '--workers', '2']);
    running.push(p);
    const two = await eventually('two workers listening', () =>
      p.listening().length >= 2 ? p.listening() : undefined,
    );
    expect(new Set(two.map((l) => l.worker))).toEqual(new Set([1, 2]));
    const port = two[0].port as number;
    expect(two[1].port).toBe(port);
    expect(p.children()).toHaveLength(2);

    const denied = reviewOf(doc('examples/gate/team-a-denied.yaml', 'ClusterDeployment'));
    const allowed = reviewOf(doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment'));
    for (let i = 0; i < 4; i++) {
      expect((await validate(port, denied)).body.response.allowed).toBe(false);
      expect((await validate(port, allowed)).body.response.allowed).toBe(true);
    }

    process.kill(p.children()[0], 'SIGKILL');
    await eventually('a worker started in place of the dead one', () =>
      p.lines.find((l) => l.msg === 'listening' && l.worker === 3),
    );
    expect(p.lines.find((l) => l.msg === 'worker exited; starting another')).toMatchObject({
      signal: 'SIGKILL',
    });
    expect((await validate(port, allowed)).body.response.allowed).toBe(true);

    p.proc.kill('SIGTERM');
    expect(await p.exit).toBe(0);
    expect(p.children()).toEqual([]);
    expect(p.stderr).toBe('');
  }, 60_000);

  it('ends with the error of a worker that cannot start', async () => {
    const bad = join(certs!.dir, 'not-a-cert.pem');
    writeFileSync(bad, 'garbage\n');
    const args = common();
    args[1] = bad;
    const p = new WebhookProcess([...args, '--workers', '2']);
    running.push(p);
    expect(await p.exit).toBe(2);
    expect(p.stderr).toContain('cannot listen on port 0');
    expect(p.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 60_000);

  it('refuses a worker count that is not a positive integer', async () => {
    const p = new WebhookProcess([...common(), '--workers', 'two']);
    expect(await p.exit).toBe(2);
    expect(p.stderr.trim()).toBe('error: --workers must be a positive integer, got "two"');
  });
});
