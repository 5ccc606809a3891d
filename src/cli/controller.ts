/**
 * `clustermint controller`: the reconciler in the foreground until interrupted. Embedded (the
 * SQLite state file) by default; against a Kubernetes API server with --kubeconfig, --in-cluster
 * or any other Kubernetes-mode option (controller-run.ts, docs/kubernetes.md).
 */
import type { Command } from 'commander';
import { DEFAULT_MAX_MACHINES } from '../domain/machine-ceiling.js';
import { DEFAULT_STATE_PATH } from '../store/sqlite/schema.js';
import { ClustermintError } from '../util/errors.js';
import { isLogLevel, LOG_LEVELS } from '../util/log.js';
import type { IO } from './io.js';
import { collect, MAX_MACHINES_HELP, maxMachinesOption } from './options.js';
import type { Wrap } from './program.js';

const DEFAULT_SIMULATED_STATE = '.clustermint/simulated-cloud.db';

/** Options that only the Kubernetes mode has: giving any of them selects it. */
const KUBE_OPTIONS = [
  'kubeconfig',
  'inCluster',
  'context',
  'namespace',
  'leaderElect',
  'leaderElectionNamespace',
  'leaderElectionId',
  'leaseDuration',
  'renewDeadline',
  'retryPeriod',
  'metricsPort',
  'metricsAddress',
  'simulatedState',
  'logLevel',
  'capi',
] as const;

/** `15s`, `500ms`, `1m`, `1h30m` -> ms (> 0; with `allowZero`, `0` too). */
export function parseDurationFlag(flag: string, text: string, allowZero = false): number {
  const t = text.trim();
  if (allowZero && /^0+(h|m|s|ms)?$/.test(t)) return 0;
  const m = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/.exec(t);
  const ms =
    m && t !== ''
      ? Number(m[1] ?? 0) * 3_600_000 +
        Number(m[2] ?? 0) * 60_000 +
        Number(m[3] ?? 0) * 1000 +
        Number(m[4] ?? 0)
      : 0;
  if (!(ms > 0))
    throw new ClustermintError(
      'USAGE',
      `${flag} ${JSON.stringify(text)} is not a duration such as 15s, 500ms, 1m or 1h${allowZero ? ' (or 0)' : ''}`,
    );
  return Math.round(ms);
}

function port(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535)
    throw new ClustermintError('USAGE', `--metrics-port must be 0..65535, got ${JSON.stringify(text)}`);
  return n;
}

export function registerController(program: Command, io: IO, wrap: Wrap): void {
  program
    .command('controller')
    .summary('run the reconciler until interrupted (embedded, or in a Kubernetes cluster)')
    .description(
      'Reconcile every ClusterDeployment through the provider plugins, printing events. SIGINT or SIGTERM:\n' +
        'finish the current step, close the store, exit 0.\n\n' +
        'Embedded (default): the state file (--state) and the simulated cloud beside it.\n\n' +
        'Kubernetes (--kubeconfig, --in-cluster, or any option below --state): ClusterDeployments,\n' +
        'Machines, Events and ClusterTemplateChains in the cluster (install deploy/crds/ first); the\n' +
        "simulated provider's cloud in --simulated-state; with --leader-elect only the holder of the\n" +
        'Lease reconciles; /metrics, /healthz and /readyz on --metrics-port; JSON logs on standard\n' +
        'output. SIGTERM also releases the Lease. See docs/kubernetes.md.',
    )
    .option('--state <path>', `state file of the embedded store (default: ${DEFAULT_STATE_PATH})`)
    .option('--templates <dir>', 'folder of charts, repeatable', collect, [])
    .option('--policies <path>', 'policy file or folder, repeatable', collect, [])
    .option(
      '--event-ttl <d>',
      'embedded: delete events older than this, as the API server does (default: 1h; 0: keep them)',
    )
    .option(
      '--history-retention <d>',
      "how long a deleted deployment's DeploymentHistory is kept before it is removed (default: 720h)",
    )
    .option(
      '--drift-interval <d>',
      "how often each workload cluster's services are checked for drift and readiness (default: 30s)",
    )
    .option(
      '--adopted-probe <d>',
      'how often an adopted cluster is asked whether it still answers (default: 30s)',
    )
    .option('--kubeconfig <file>', 'reconcile in this cluster')
    .option('--in-cluster', "reconcile in the pod's cluster, with its service account")
    .option('--context <name>', 'a kubeconfig context other than the current one')
    .option('--namespace <ns>', "reconcile only this namespace's ClusterDeployments (default: all)")
    .option('--leader-elect', 'reconcile only while holding the Lease (for several replicas)')
    .option('--leader-election-namespace <ns>', "the Lease's namespace (default: clustermint-system)")
    .option('--leader-election-id <name>', "the Lease's name (default: clustermint-controller)")
    .option('--lease-duration <d>', 'how long a Lease holds without renewal (default: 15s)')
    .option('--renew-deadline <d>', 'the leader steps down when it cannot renew within this (default: 10s)')
    .option('--retry-period <d>', 'how often candidates try and the leader renews (default: 2s)')
    .option('--metrics-port <n>', 'port of /metrics, /healthz, /readyz; 0: any free one (default: 8080)')
    .option('--metrics-address <ip>', 'address to serve them on (default: all)')
    .option(
      '--simulated-state <path>',
      `file of the simulated provider's cloud (default: ${DEFAULT_SIMULATED_STATE})`,
    )
    .option(
      '--max-machines <n>',
      `${MAX_MACHINES_HELP} (default ${DEFAULT_MAX_MACHINES}); embedded: remembered with the state`,
      maxMachinesOption,
    )
    .option('--log-level <level>', `one of ${LOG_LEVELS.join(', ')} (default: info)`)
    .option(
      '--no-capi',
      'Kubernetes mode: do not hand clusters to Cluster API (by default every kind without a built-in plugin, and every topology Cluster, is applied to this cluster for Cluster API to make)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  clustermint controller\n  clustermint controller --state /var/lib/clustermint/state.db --policies policies/\n' +
        '  clustermint controller --kubeconfig ~/.kube/config --policies policies/\n' +
        '  clustermint controller --in-cluster --leader-elect --metrics-port 8080\n' +
        '\nIn Kubernetes mode, clusters of kinds without a built-in plugin (AWS, Docker, vSphere, ...) and\n' +
        'topology Clusters go to Cluster API in the same cluster (the capi provider, docs/providers.md):\n' +
        'clustermint applies the rendered objects and orchestrates upgrades; Cluster API makes the machines.\n',
    )
    .action(
      wrap(async (opts) => {
        // commander sets capi: true by default (--no-capi); only an explicit --no-capi selects Kubernetes mode.
        const kube = KUBE_OPTIONS.filter((k) => (k === 'capi' ? opts.capi === false : opts[k] !== undefined));
        const intervals = {
          ...serviceIntervals(opts),
          ...(opts.historyRetention !== undefined
            ? { historyRetentionMs: parseDurationFlag('--history-retention', opts.historyRetention) }
            : {}),
        };
        if (kube.length === 0) return runEmbedded({ ...opts, ...intervals }, io);
        if (opts.eventTtl !== undefined)
          throw new ClustermintError(
            'USAGE',
            "--event-ttl is the embedded store's; on Kubernetes the API server's --event-ttl expires events",
          );
        if (opts.state !== undefined)
          throw new ClustermintError(
            'USAGE',
            '--state is the embedded store; it does not go with --kubeconfig, --in-cluster or the other Kubernetes options',
          );
        if (opts.kubeconfig !== undefined && opts.inCluster)
          throw new ClustermintError('USAGE', '--kubeconfig and --in-cluster exclude each other');
        const logLevel = opts.logLevel ?? 'info';
        if (!isLogLevel(logLevel))
          throw new ClustermintError('USAGE', `--log-level must be one of ${LOG_LEVELS.join(', ')}`);
        const leaseDurationMs = parseDurationFlag('--lease-duration', opts.leaseDuration ?? '15s');
        const renewDeadlineMs = parseDurationFlag('--renew-deadline', opts.renewDeadline ?? '10s');
        const retryPeriodMs = parseDurationFlag('--retry-period', opts.retryPeriod ?? '2s');
        if (!(retryPeriodMs < renewDeadlineMs && renewDeadlineMs < leaseDurationMs))
          throw new ClustermintError(
            'USAGE',
            'leader election needs --retry-period < --renew-deadline < --lease-duration',
          );
        const metricsPort = port(opts.metricsPort ?? '8080');
        const { runKubeController } = await import('./controller-run.js');
        return runKubeController(
          {
            kubeconfig: opts.kubeconfig,
            inCluster: opts.inCluster === true,
            context: opts.context,
            namespace: opts.namespace,
            leaderElect: opts.leaderElect === true,
            leaseNamespace: opts.leaderElectionNamespace ?? 'clustermint-system',
            leaseName: opts.leaderElectionId ?? 'clustermint-controller',
            leaseDurationMs,
            renewDeadlineMs,
            retryPeriodMs,
            metricsPort,
            metricsAddress: opts.metricsAddress,
            simulatedState: opts.simulatedState ?? DEFAULT_SIMULATED_STATE,
            policies: opts.policies,
            templates: opts.templates,
            logLevel,
            capi: opts.capi !== false,
            ...(opts.maxMachines !== undefined ? { maxMachines: opts.maxMachines } : {}),
            ...intervals,
          },
          io,
        );
      }),
    );
}

/** --drift-interval and --adopted-probe (both modes), in ms; absent: the controller's defaults. */
function serviceIntervals(opts: { driftInterval?: string; adoptedProbe?: string }): {
  driftIntervalMs?: number;
  adoptedProbeMs?: number;
} {
  return {
    ...(opts.driftInterval !== undefined
      ? { driftIntervalMs: parseDurationFlag('--drift-interval', opts.driftInterval) }
      : {}),
    ...(opts.adoptedProbe !== undefined
      ? { adoptedProbeMs: parseDurationFlag('--adopted-probe', opts.adoptedProbe) }
      : {}),
  };
}

async function runEmbedded(
  opts: {
    state?: string;
    templates: string[];
    policies: string[];
    eventTtl?: string;
    driftIntervalMs?: number;
    adoptedProbeMs?: number;
    maxMachines?: number;
    historyRetentionMs?: number;
  },
  io: IO,
): Promise<number> {
  const state = opts.state ?? DEFAULT_STATE_PATH;
  const eventTtlMs =
    opts.eventTtl !== undefined ? parseDurationFlag('--event-ttl', opts.eventTtl, true) : undefined;
  const { eventLine, openEmbedded, stderrLogger } = await import('./embedded-run.js');
  const emb = await openEmbedded({
    state,
    templates: opts.templates,
    policies: opts.policies,
    onEvent: (e) => io.out(eventLine(e)),
    logger: stderrLogger(io),
    ...(eventTtlMs !== undefined ? { eventTtlMs } : {}),
    ...(opts.driftIntervalMs !== undefined ? { driftIntervalMs: opts.driftIntervalMs } : {}),
    ...(opts.adoptedProbeMs !== undefined ? { adoptedProbeMs: opts.adoptedProbeMs } : {}),
    ...(opts.maxMachines !== undefined ? { maxMachines: opts.maxMachines } : {}),
    ...(opts.historyRetentionMs !== undefined ? { historyRetentionMs: opts.historyRetentionMs } : {}),
  });
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  io.err(`reconciling ${state} (Ctrl-C to stop)\n`);
  try {
    await emb.controller.runtime.runRealtime({ signal: ac.signal });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await emb.close();
  }
  io.err('stopped\n');
  return 0;
}
