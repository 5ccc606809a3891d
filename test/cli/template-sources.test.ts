/**
 * The README's `clustermint template` commands on remote charts: a k0rdent chart pushed by the
 * real `helm push` to a real distribution registry, and served from a chart repository made by
 * `helm repo index`, rendered by `clustermint template oci://...` and `--repo URL NAME` exactly as
 * the real `helm template` renders the same chart from its folder.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { findGoReference } from '../helpers/go-reference.js';
import { type Registry, startRegistry } from '../helpers/registry.js';
import { SHARED, sharedAvailable } from '../helpers/shared.js';
import { tmpTree } from '../helpers/tmp.js';

const WHAT = 'the template-from-a-registry tests';
const CHART = join(SHARED, 'conformance/helm/k0rdent/charts/aws-standalone-cp');
const VALUES = join(
  import.meta.dirname,
  '..',
  'fixtures',
  'helm',
  'k0rdent-values',
  'aws-standalone-cp.yaml',
);
const ready = sharedAvailable(WHAT);
const helm = ready
  ? findGoReference({ envVar: 'HELM_BIN', install: ['scripts/install-go-tool.sh', 'helm'], what: WHAT })
  : {};
const registryBin = ready
  ? findGoReference({
      envVar: 'REGISTRY_BIN',
      install: ['scripts/install-go-tool.sh', 'registry'],
      what: WHAT,
    })
  : {};

process.env.CLUSTERMINT_CACHE = tmpTree({});
process.env.HELM_REGISTRY_CONFIG = join(tmpTree({}), 'none.json');
process.env.DOCKER_CONFIG = tmpTree({});
const helmHome = tmpTree({});
const helmEnv = {
  ...process.env,
  HELM_CONFIG_HOME: join(helmHome, 'config'),
  HELM_CACHE_HOME: join(helmHome, 'cache'),
  HELM_DATA_HOME: join(helmHome, 'data'),
  HELM_REGISTRY_CONFIG: join(helmHome, 'registry.json'),
};
const helmRun = (args: string[]) => execFileSync(helm.bin!, args, { encoding: 'utf8', env: helmEnv });

describe.skipIf(!helm.bin || !registryBin.bin)('clustermint template on remote charts', () => {
  let registry: Registry;
  let server: Server;
  let repoUrl: string;
  let expected: string;
  const packages = tmpTree({});

  beforeAll(async () => {
    helmRun(['package', CHART, '-d', packages]);
    registry = await startRegistry(registryBin.bin!);
    helmRun([
      'push',
      join(packages, 'aws-standalone-cp-1.0.43.tgz'),
      `oci://${registry.host}/charts`,
      '--plain-http',
    ]);
    server = createServer((req, res) => {
      try {
        res.end(readFileSync(join(packages, (req.url ?? '/').slice(1))));
      } catch {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    repoUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    helmRun(['repo', 'index', packages, '--url', repoUrl]);
    expected = helmRun(['template', 'dev-1', CHART, '-f', VALUES, '-n', 'team-a']);
  }, 120_000);

  afterAll(async () => {
    await registry?.stop();
    server?.close();
  });

  it('oci://host/path/chart --version renders what helm renders from the folder', async () => {
    const r = await run(
      'template',
      'dev-1',
      `oci://${registry.host}/charts/aws-standalone-cp`,
      '--version',
      '1.0.43',
      '--plain-http',
      '-f',
      VALUES,
      '-n',
      'team-a',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expected);
  });

  it('--repo URL NAME with a version constraint, and a tag that is not there', async () => {
    const r = await run(
      'template',
      'dev-1',
      'aws-standalone-cp',
      '--repo',
      repoUrl,
      '--version',
      '^1.0',
      '-f',
      VALUES,
      '-n',
      'team-a',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expected);
    const missing = await run(
      'template',
      `oci://${registry.host}/charts/aws-standalone-cp`,
      '--version',
      '9.9.9',
      '--plain-http',
    );
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/9\.9\.9/);
    expect(missing.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
