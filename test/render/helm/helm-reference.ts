/**
 * The real `helm template` (v4.3.2, scripts/install-go-tool.sh helm) as the reference of the
 * Helm differential tests: a one-template chart in a temporary folder, values given with -f.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpTree } from '../../helpers/tmp.js';

export const CHART = 'c';
export const TEMPLATE_NAME = `${CHART}/templates/t.yaml`;

export type HelmResult = { output: string } | { error: string };

/**
 * `helm template` of a chart whose only template is `template`, with `values` (as JSON, which
 * is YAML) and further flags. The output is the template's text (Helm's `---` and `# Source:`
 * header taken off); an error is Helm's message without `Error: `.
 */
export function helmTemplate(
  bin: string,
  template: string,
  values: unknown,
  flags: readonly string[] = [],
  files: Record<string, string> = {},
): HelmResult {
  const dir = tmpTree({
    'Chart.yaml': `apiVersion: v2\nname: ${CHART}\nversion: 0.1.0\n`,
    'templates/t.yaml': template,
    'values.json': JSON.stringify(values),
    ...files,
  });
  try {
    const r = spawnSync(bin, ['template', dir, '-f', `${dir}/values.json`, ...flags], {
      encoding: 'utf8',
      cwd: dir,
      env: {
        ...process.env,
        HELM_CACHE_HOME: `${dir}/.cache`,
        HELM_CONFIG_HOME: `${dir}/.config`,
        HELM_DATA_HOME: `${dir}/.data`,
      },
      maxBuffer: 256 * 1024 * 1024,
    });
    if (r.status !== 0) {
      const error = r.stderr
        .replace(/^Error: /, '')
        .replace(/\n\nUse --debug flag to render out invalid YAML\n?$/, '');
      return { error: error.trimEnd() };
    }
    const header = `---\n# Source: ${TEMPLATE_NAME}\n`;
    const out = r.stdout.startsWith(header) ? r.stdout.slice(header.length) : r.stdout;
    return { output: out.replace(/\n$/, '') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
