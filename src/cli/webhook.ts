/** `clustermint webhook`: the admission webhook server (the work is in webhook-run.ts, loaded on use). */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { DEFAULT_MAX_MACHINES } from '../domain/machine-ceiling.js';
import { ClustermintError } from '../util/errors.js';
import {
  DEFAULT_ISOLATE_MEMORY_MB,
  DEFAULT_ISOLATES,
  DEFAULT_LARGE_REVIEW_BYTES,
} from '../webhook/isolate-defaults.js';
import type { IO } from './io.js';
import { collect, MAX_MACHINES_HELP, maxMachinesOption } from './options.js';
import type { Wrap } from './program.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

function positive(flag: string, value: string, integer = false): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new ClustermintError(
      'USAGE',
      `${flag} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(value)}`,
    );
  return n;
}

function nonNegativeInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new ClustermintError(
      'USAGE',
      `${flag} must be 0 or a positive integer, got ${JSON.stringify(value)}`,
    );
  return n;
}

export function registerWebhook(program: Command, io: IO, wrap: Wrap): void {
  program
    .command('webhook')
    .summary('serve the admission webhook (AdmissionReview v1) with the same gate as check')
    .description(
      'An HTTPS server for the Kubernetes API server: POST /validate runs the gate of `clustermint check`\n' +
        'on ClusterDeployments, topology Clusters, ClusterTemplates and ClusterTemplateChains; POST /mutate\n' +
        'fills in chart defaults and ClusterClass variable defaults (JSON Patch). GET /healthz and /readyz\n' +
        'for probes. Policies and templates come from folders (re-read when they change) and, with\n' +
        '--kubeconfig or --in-cluster, from the cluster. Logs are JSON lines on standard output.\n' +
        'See docs/webhook.md and deploy/webhook/.',
    )
    .requiredOption('--tls-cert <file>', 'serving certificate (PEM); re-read when it changes')
    .requiredOption('--tls-key <file>', 'its private key (PEM); re-read when it changes')
    .option('--port <n>', 'port to listen on', '9443')
    .option('--address <ip>', 'address to listen on (default: all)')
    .option(
      '--metrics-port <n>',
      'serve Prometheus metrics on GET /metrics of this plain-HTTP port (reviews by result, latency, isolates replaced); with --workers, their sum (default: none)',
    )
    .option('--policies <path>', 'policy file or folder, repeatable', collect, [])
    .option(
      '--templates <dir>',
      'folder of charts, ClusterClasses and their templates, repeatable',
      collect,
      [],
    )
    .option(
      '--kubeconfig <file>',
      'read ClusterTemplates, ValidatingPolicies, ClusterClasses and namespace labels from this cluster',
    )
    .option('--in-cluster', "same, with the pod's service account")
    .option('--max-request-bytes <n>', 'largest AdmissionReview body', String(3 * 1024 * 1024))
    .option(
      '--timeout <seconds>',
      'longest time to read a request (the API server sends its own, smaller ones)',
      '10',
    )
    .option('--max-machines <n>', MAX_MACHINES_HELP, maxMachinesOption, DEFAULT_MAX_MACHINES)
    .option('--reload-interval <seconds>', 'how often to look for changed files', '2')
    .option('--cluster-refresh <seconds>', 'how often to re-list the cluster objects', '30')
    .option('--log-level <level>', `one of ${LEVELS.join(', ')}`, 'info')
    .option(
      '--workers <n>',
      'processes serving the port (node:cluster), each with all policies and templates; "auto": one per CPU',
      '1',
    )
    .option(
      '--isolates <n>',
      'worker threads that evaluate the reviews, each with a memory limit and a deadline per review; 0: in the server thread (no isolation)',
      String(DEFAULT_ISOLATES),
    )
    .option('--isolate-memory <MiB>', 'heap limit of each isolate', String(DEFAULT_ISOLATE_MEMORY_MB))
    .option(
      '--review-deadline <seconds>',
      "longest time a review may take, its wait included (never more than the request's timeout less 0.5 s); an isolate past it is stopped and the review denied",
      '8',
    )
    .option(
      '--large-review-bytes <n>',
      'bodies over this size are large reviews: at most half the isolates evaluate them, at most 4 per isolate wait (then HTTP 429)',
      String(DEFAULT_LARGE_REVIEW_BYTES),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  clustermint webhook --tls-cert tls.crt --tls-key tls.key --policies policies/\n' +
        '  clustermint webhook --tls-cert /certs/tls.crt --tls-key /certs/tls.key --policies /policies --in-cluster\n' +
        '  clustermint webhook --tls-cert tls.crt --tls-key tls.key --policies policies/ --workers auto --metrics-port 8080\n' +
        '  clustermint webhook --tls-cert tls.crt --tls-key tls.key --policies policies/ --isolates 4 --isolate-memory 256 --review-deadline 5\n',
    )
    .action(
      wrap(async (opts) => {
        if (!LEVELS.includes(opts.logLevel))
          throw new ClustermintError('USAGE', `--log-level must be one of ${LEVELS.join(', ')}`);
        const port = portNumber('--port', opts.port);
        const metricsPort =
          opts.metricsPort === undefined ? undefined : portNumber('--metrics-port', opts.metricsPort);
        if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === port)
          throw new ClustermintError('USAGE', '--metrics-port must differ from --port');
        if (opts.kubeconfig && opts.inCluster)
          throw new ClustermintError('USAGE', '--kubeconfig and --in-cluster exclude each other');
        const { runWebhook } = await import('./webhook-run.js');
        return runWebhook(
          {
            certFile: opts.tlsCert,
            keyFile: opts.tlsKey,
            port,
            address: opts.address,
            ...(metricsPort !== undefined ? { metricsPort } : {}),
            policies: opts.policies,
            templates: opts.templates,
            kubeconfig: opts.kubeconfig,
            inCluster: opts.inCluster === true,
            maxBodyBytes: positive('--max-request-bytes', opts.maxRequestBytes, true),
            timeoutMs: positive('--timeout', opts.timeout) * 1000,
            reloadIntervalMs: positive('--reload-interval', opts.reloadInterval) * 1000,
            clusterRefreshMs: positive('--cluster-refresh', opts.clusterRefresh) * 1000,
            logLevel: opts.logLevel,
            maxMachines: opts.maxMachines,
            isolates: nonNegativeInteger('--isolates', opts.isolates),
            isolateMemoryMb: positive('--isolate-memory', opts.isolateMemory, true),
            reviewDeadlineMs: positive('--review-deadline', opts.reviewDeadline) * 1000,
            largeReviewBytes: positive('--large-review-bytes', opts.largeReviewBytes, true),
            workers:
              opts.workers === 'auto' ? availableParallelism() : positive('--workers', opts.workers, true),
          },
          io,
        );
      }),
    );
}

/** A TCP port option's value: 0 (any free port) to 65535. */
function portNumber(flag: string, value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ClustermintError('USAGE', `${flag} must be 0..65535, got ${JSON.stringify(value)}`);
  return port;
}
