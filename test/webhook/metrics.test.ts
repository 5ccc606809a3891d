// `clustermint webhook --metrics-port`: Prometheus metrics of the reviews on a plain-HTTP port,
// summed over the processes of --workers. Runs the built CLI (skipped without `npm run build`).
import { request } from 'node:https';
import { afterAll, describe, expect, it } from 'vitest';
import { CliProcess, cliBuilt, eventually } from '../helpers/process.js';
import { webhookCertificates } from '../testenv/certs.js';
import { doc, reviewOf, webhookFlags } from './helpers.js';

const built = cliBuilt();
if (!built) console.warn('skipping the webhook metrics test: run npm run build first');

const certs = built ? webhookCertificates() : undefined;
const running: CliProcess[] = [];
afterAll(() => {
  for (const p of running) p.proc.kill('SIGKILL');
});

function post(port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/validate', method: 'POST', ca: certs!.caPem, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const metrics = async (port: number) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe.skipIf(!built)('clustermint webhook --metrics-port', () => {
  const args = (...more: string[]) => ['webhook', ...webhookFlags(certs!), '--metrics-port', '0', ...more];
  const denied = JSON.stringify(reviewOf(doc('examples/gate/team-a-denied.yaml', 'ClusterDeployment')));
  const allowed = JSON.stringify(reviewOf(doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment')));

  it('counts reviews by result and times them; a worker process adds to the sum the primary serves', async () => {
    for (const workers of ['1', '2']) {
      const p = new CliProcess(args('--workers', workers));
      running.push(p);
      const [served, listening] = await eventually('listening, and serving metrics', () => {
        const m = p.lines.find((l) => l.msg === 'serving metrics');
        const l = p.lines.filter((x) => x.msg === 'listening');
        return m && l.length >= Number(workers) ? ([m, l[0]] as const) : undefined;
      });
      const port = listening.port as number;
      for (let i = 0; i < 2; i++) expect(await post(port, denied)).toBe(200);
      for (let i = 0; i < 3; i++) expect(await post(port, allowed)).toBe(200);
      expect(await post(port, 'not json')).toBe(400);
      const text = await metrics(served.port as number);
      expect(value(text, 'clustermint_webhook_reviews_total{mode="validate",result="denied"}'), workers).toBe(
        2,
      );
      expect(
        value(text, 'clustermint_webhook_reviews_total{mode="validate",result="allowed"}'),
        workers,
      ).toBe(3);
      expect(value(text, 'clustermint_webhook_reviews_total{mode="validate",result="bad"}'), workers).toBe(1);
      expect(value(text, 'clustermint_webhook_review_duration_seconds_count{mode="validate"}'), workers).toBe(
        6,
      );
      expect(value(text, 'clustermint_webhook_isolates_replaced_total'), workers).toBe(0);
      expect((await fetch(`http://127.0.0.1:${served.port}/other`)).status).toBe(404);
      p.proc.kill('SIGTERM');
      expect(await p.exit).toBe(0);
    }
  }, 90_000);

  it.each([
    [['--metrics-port', 'x'], /--metrics-port must be 0\.\.65535, got "x"/],
    [['--metrics-port', '9443', '--port', '9443'], /--metrics-port must differ from --port/],
  ])('refuses %j', async (more, message) => {
    const p = new CliProcess(args(...more));
    expect(await p.exit).toBe(2);
    expect(p.stderr).toMatch(message);
  });
});
