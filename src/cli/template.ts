/**
 * `clustermint template [NAME] CHART`: render one chart, like `helm template`.
 * A Helm chart in Go templates (a folder, a .tgz, `oci://...`, an https URL, or `--repo URL NAME`)
 * prints exactly what `helm template` prints; a handlebars chart (or a built-in template name)
 * goes through clustermint's own renderer. Either way, a chart that renders nothing is an error.
 */
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { runChart } from '../gate/chart-pipeline.js';
import { hermeticSprigFuncs, parseGoTemplate } from '../render/gotemplate/index.js';
import { HelmError, helmTemplate } from '../render/helm/index.js';
import { templateOutput } from '../render/helm/manifests.js';
import { readRenderedManifests } from '../render/helm/objects.js';
import { TemplateCatalog } from '../resolve/catalog.js';
import { chartFolderLanguage } from '../resolve/chart-language.js';
import { loadChartSource } from '../resolve/chart-sources/index.js';
import { chartFromHelmFiles } from '../resolve/load-chart.js';
import { readChartArchive } from '../util/archive.js';
import { ClustermintError } from '../util/errors.js';
import { printable } from '../util/printable.js';
import { helmUserValues } from './helm-values.js';
import { readSetFlags, readValuesFile } from './inputs.js';
import type { IO } from './io.js';
import { collect, outputFormat } from './options.js';
import { printObjects, printViolations } from './print.js';
import type { Wrap } from './program.js';

const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const commaList = (value: string, previous: string[]) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

/** Whether CHART names a Helm (Go-template) chart rather than a handlebars chart or a built-in. */
function isHelmRef(ref: string, repo: string | undefined): boolean {
  if (repo || /^(oci|https?):\/\//.test(ref)) return true;
  if (!existsSync(ref)) return false;
  return statSync(ref).isDirectory() ? chartFolderLanguage(ref) === 'go' : true;
}

export function registerTemplate(program: Command, io: IO, wrap: Wrap): void {
  const command = program.command('template');
  // helm's words for a flag it does not know
  (command as unknown as { unknownOption(flag: string): void }).unknownOption = (flag: string) =>
    command.error(`Error: unknown flag: ${flag}`, { code: 'commander.unknownOption' });
  command
    .summary('render one chart, like helm template')
    .description(
      'Render a chart with values and print the objects.\n\n' +
        'CHART is a Helm chart (a folder, a packaged .tgz, oci://host/path/chart, an https URL to a\n' +
        '.tgz, or a chart name with --repo URL) rendered exactly as `helm template` renders it, or a\n' +
        'handlebars chart folder, or the name of a built-in template (see `clustermint template --list`).\n' +
        'NAME is the release name (default: --name, else release-name).\n' +
        'Values: the chart defaults, then each -f file in order, then --set-json, --set, --set-string,\n' +
        '--set-file, --set-literal; maps merge, lists replace, null removes a key.',
    )
    .argument('[NAME]', 'release name (optional; CHART alone is enough)')
    .argument('[CHART]', 'chart folder, archive, oci:// reference, URL, or built-in template name')
    .option('-f, --values <file>', 'values file (YAML), repeatable; - reads stdin', collect, [])
    .option('--set <key=value>', 'set a value (a.b[0].c=v, comma-separated), repeatable', collect, [])
    .option('--set-string <key=value>', 'set a value, always as a string, repeatable', collect, [])
    .option('--set-file <key=path>', 'set a value from a file, repeatable', collect, [])
    .option('--set-json <key=json>', 'set a JSON value, repeatable', collect, [])
    .option('--set-literal <key=value>', 'set a literal string value, repeatable', collect, [])
    .option('--name <name>', 'release name (the cluster name)', 'release-name')
    .option('--name-template <template>', 'a Go template that makes the release name (Helm charts)')
    .option('-n, --namespace <ns>', 'release namespace', 'default')
    .option('--kube-version <version>', 'Kubernetes version for Capabilities.KubeVersion')
    .option(
      '-a, --api-versions <list>',
      'API versions for Capabilities.APIVersions, repeatable',
      commaList,
      [],
    )
    .option('--include-crds', 'include the crds/ folders in the output')
    .option('--skip-tests', 'leave test hooks out')
    .option('--no-hooks', 'leave hooks out')
    .option(
      '-s, --show-only <template>',
      'only manifests from these templates (glob), repeatable',
      collect,
      [],
    )
    .option('--is-upgrade', 'set .Release.IsUpgrade instead of .Release.IsInstall')
    .option('--skip-schema-validation', 'do not check values against values.schema.json')
    .option('--debug', 'on a render error, print what was rendered (as helm --debug)')
    .option('--version <constraint>', 'chart version (tag or constraint) for oci:// and --repo')
    .option('--repo <url>', 'chart repository URL; CHART is then a chart name in it')
    .option('--username <user>', 'registry or repository user')
    .option('--password <password>', 'registry or repository password')
    .option('--plain-http', 'use http, not https, for the OCI registry')
    .option('--insecure-skip-tls-verify', 'do not verify the server certificate')
    .option('--ca-file <file>', 'CA bundle for the server certificate')
    .option('--templates <dir>', 'extra folder of charts, repeatable', collect, [])
    .option('-o, --output <format>', 'yaml or json', 'yaml')
    .option('--list', 'list the templates that can be named')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  clustermint template ./my-helm-chart -f my-values.yaml\n' +
        '  clustermint template dev-1 oci://registry.example.com/charts/aws-standalone-cp --version 1.0.0\n' +
        '  clustermint template aws-standalone-cp -f my-values.yaml --name dev-1\n' +
        '  clustermint template ./my-chart --set workersNumber=3 -o json\n',
    )
    .allowExcessArguments(true)
    .action(
      wrap(async (first: string | undefined, second: string | undefined, opts, cmd: Command) => {
        if (cmd.args.length > 2) {
          throw new ClustermintError(
            'USAGE',
            `expected at most two arguments, unexpected arguments: ${cmd.args.slice(2).join(', ')}`,
          );
        }
        const catalog = new TemplateCatalog(opts.templates);
        if (opts.list) {
          for (const e of catalog.list()) io.out(printable(`${e.name}\t${e.version}\t${e.dir}\n`));
          return 0;
        }
        const chartRef = second ?? first;
        let releaseName: string = second !== undefined ? first! : opts.name;
        if (opts.nameTemplate !== undefined) {
          if (second !== undefined)
            throw new ClustermintError('USAGE', 'cannot set --name-template and also specify a name');
          releaseName = releaseNameFromTemplate(opts.nameTemplate);
        }
        if (!chartRef)
          throw new ClustermintError(
            'USAGE',
            '"clustermint template" requires at least 1 argument\n\nUsage:  clustermint template [NAME] [CHART] [flags]',
            undefined,
            ['CHART is a chart folder, archive, oci:// reference, or a template name (--list shows them)'],
          );
        const format = outputFormat(opts.output);
        if (
          !opts.repo &&
          /[\\/]|^\.|\.tgz$/.test(chartRef) &&
          !/^(oci|https?):\/\//.test(chartRef) &&
          !existsSync(chartRef)
        ) {
          // helm's words for a chart path that is not there
          throw new ClustermintError('UNREADABLE', `path "${chartRef}" not found`);
        }
        if (isHelmRef(chartRef, opts.repo)) return templateHelm(io, chartRef, releaseName, format, opts);

        if (!RELEASE_NAME.test(releaseName) || releaseName.length > 53) {
          throw new ClustermintError(
            'USAGE',
            `--name ${JSON.stringify(releaseName)}: a release name is a DNS-1123 label of at most 53 characters`,
          );
        }
        const chart = catalog.resolve(chartRef);
        const sources = [...opts.values.map(readValuesFile), ...readSetFlags(opts.set, opts.setString)];
        const result = runChart({
          chart,
          sources,
          release: { name: releaseName, namespace: opts.namespace },
          kubeVersion: opts.kubeVersion,
        });
        io.err(printViolations(result.warnings));
        if (result.violations.length > 0) {
          io.err(printViolations(result.violations));
          return 1;
        }
        if (result.documents.length === 0) {
          io.err(`Error: chart ${chart.metadata.name} rendered no objects\n`);
          return 1;
        }
        io.out(
          printObjects(
            result.documents.map((d) => ({
              object: d.object,
              source: `${chart.metadata.name}/${d.template}`,
            })),
            format,
          ),
        );
        return 0;
      }),
    );
}

/**
 * Helm names a values problem by its path only; the gate also knows the file, line and column
 * that set the value (a -f file, --set), so they follow Helm's message.
 */
function locatedValueProblems(
  source: { files: readonly { name: string; data: Uint8Array }[]; origin: string },
  releaseName: string,
  opts: any,
): string {
  try {
    const chart = chartFromHelmFiles(source.files, source.origin);
    const files = (opts.values as string[]).filter((f) => f !== '-');
    const sources = [...files.map(readValuesFile), ...readSetFlags(opts.set, opts.setString)];
    const r = runChart({ chart, sources, release: { name: releaseName, namespace: opts.namespace } });
    const located = r.violations.filter((v) => v.stage === 'values' && v.location?.file);
    return located.length > 0 ? `\nWhere the values come from:\n${printViolations(located)}` : '';
  } catch {
    return ''; // helm's message stands alone
  }
}

/** What helm --debug prints before a render error: the release manifest so far, show-only applied. */
function debugOutput(manifest: string, showOnly: readonly string[]): string {
  const text = `${manifest.trim()}\n`;
  if (showOnly.length === 0) return text;
  try {
    return templateOutput(
      { manifests: [], hooks: [] },
      { crds: [], includeCrds: false, noHooks: true, skipTests: false, showOnly, raw: text },
    );
  } catch {
    return ''; // a template not found: helm returns the render error alone
  }
}

/** `--name-template`: a Go template (sprig's functions) that makes the release name, as helm's. */
function releaseNameFromTemplate(text: string): string {
  try {
    return parseGoTemplate(text, { name: 'name-template', funcs: hermeticSprigFuncs }).execute({});
  } catch (e) {
    throw new ClustermintError('USAGE', `--name-template: ${(e as Error).message}`);
  }
}

/** The Helm path: load the chart from its source, render as helm, print helm's output. */
async function templateHelm(
  io: IO,
  ref: string,
  releaseName: string,
  format: 'yaml' | 'json',
  opts: any,
): Promise<number> {
  const source = await loadChartSource({
    ref,
    version: opts.version,
    repo: opts.repo,
    username: opts.username,
    password: opts.password,
    plainHttp: opts.plainHttp,
    insecureSkipTlsVerify: opts.insecureSkipTlsVerify,
    caFile: opts.caFile,
  });
  const values = helmUserValues({
    values: opts.values,
    set: opts.set,
    setString: opts.setString,
    setFile: opts.setFile,
    setJson: opts.setJson,
    setLiteral: opts.setLiteral,
  });
  let result: ReturnType<typeof helmTemplate>;
  try {
    result = helmTemplate(source.files, {
      releaseName,
      namespace: opts.namespace,
      values,
      readArchive: readChartArchive,
      kubeVersion: opts.kubeVersion,
      apiVersions: opts.apiVersions,
      includeCrds: opts.includeCrds === true,
      skipTests: opts.skipTests === true,
      noHooks: opts.hooks === false,
      showOnly: opts.showOnly,
      isUpgrade: opts.isUpgrade === true,
      skipSchemaValidation: opts.skipSchemaValidation === true,
      debug: opts.debug === true,
      warn: (m) => io.err(`warning: ${m}\n`),
    });
  } catch (e) {
    if (!(e instanceof HelmError)) throw e;
    if (opts.debug && e.stage === 'render') io.out(debugOutput(e.manifest, opts.showOnly));
    io.err(`Error: ${e.message}\n`);
    if (e.stage === 'values') io.err(locatedValueProblems(source, releaseName, opts));
    return 1;
  }
  // a document without a kind (a comment, a blank) is no object
  const rendered = [...result.manifests, ...result.hooks].filter((m) => m.head.kind !== '').length;
  if (rendered === 0 && !(opts.includeCrds && result.output.includes('# Source: '))) {
    // what helm prints, then the refusal: an empty render is never a silent success
    if (format === 'yaml') io.out(result.output);
    io.err(
      `Error: chart ${result.chart.metadata.name} rendered no objects: every template produced empty output (check the values: helm would succeed with no objects)\n`,
    );
    return 1;
  }
  if (format === 'json') {
    const objects = readRenderedManifests([...result.manifests, ...result.hooks]);
    io.out(printObjects(objects, 'json'));
    return 0;
  }
  io.out(result.output);
  return 0;
}
