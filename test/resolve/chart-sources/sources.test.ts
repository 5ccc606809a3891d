import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/resolve/chart-sources/cache.js';
import { readChartFolder } from '../../../src/resolve/chart-sources/folder.js';
import { loadChartSource } from '../../../src/resolve/chart-sources/index.js';
import { storedCredentials } from '../../../src/resolve/chart-sources/registry-credentials.js';
import { readChartArchive } from '../../../src/util/archive.js';
import { ClustermintError } from '../../../src/util/errors.js';
import { SHARED } from '../../helpers/shared.js';
import { tmpTree } from '../../helpers/tmp.js';

const TESTCHARTS = join(SHARED, 'conformance/helm/helm/testcharts');

async function errorOf(p: Promise<unknown>): Promise<ClustermintError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ClustermintError);
    return e as ClustermintError;
  }
  throw new Error('expected an error');
}

describe('loadChartSource on local paths', () => {
  it('a chart folder', async () => {
    const dir = join(TESTCHARTS, 'subchart');
    const got = await loadChartSource({ ref: dir });
    expect(got).toEqual({ files: readChartFolder(dir), origin: dir });
    expect(got.files.map((f) => f.name)).toContain('charts/subchartA/Chart.yaml');
  });

  it('a packaged chart, with its digest', async () => {
    const file = join(TESTCHARTS, 'compressedchart-0.1.0.tgz');
    const bytes = readFileSync(file);
    expect(await loadChartSource({ ref: file })).toEqual({
      files: readChartArchive(bytes, file),
      origin: file,
      digest: `sha256:${sha256Hex(bytes)}`,
    });
  });

  it('a k0rdent chart folder', async () => {
    const dir = join(SHARED, 'conformance/helm/k0rdent/charts/aws-standalone-cp');
    const got = await loadChartSource({ ref: dir });
    expect(got.files.map((f) => f.name)).toContain('Chart.yaml');
    expect(got.files.some((f) => f.name.startsWith('templates/'))).toBe(true);
  });

  it('a path that does not exist, a file that is no archive: exit-2 errors; a folder without Chart.yaml: exit 1', async () => {
    const dir = tmpTree({ 'values.yaml': 'a: 1\n' });
    const missing = await errorOf(loadChartSource({ ref: join(dir, 'nope') }));
    expect(missing).toMatchObject({ code: 'UNREADABLE', message: 'no such chart: the path does not exist' });
    expect(missing.location?.file).toBe(join(dir, 'nope'));
    expect(missing.exitCode).toBe(2);
    const noChart = await errorOf(loadChartSource({ ref: dir }));
    expect(noChart).toMatchObject({
      code: 'INVALID_CHART',
      message: expect.stringMatching(/^unable to detect chart at /),
    });
    expect(noChart.exitCode).toBe(1);
    const values = await errorOf(loadChartSource({ ref: join(dir, 'values.yaml') }));
    // helm's words for a file that is no archive
    expect(values).toMatchObject({
      code: 'UNREADABLE',
      message: `file '${join(dir, 'values.yaml')}' does not appear to be a gzipped archive; got 'text/plain; charset=utf-8'`,
    });
  });

  it('a --repo that is not an http URL is a usage error', async () => {
    expect((await errorOf(loadChartSource({ ref: 'x', repo: 'ftp://h/charts' }))).code).toBe('USAGE');
  });
});

describe('stored registry credentials', () => {
  it('Helm’s registry config first, then Docker’s; `auth` or username and password; URL-form keys', () => {
    const helmDir = tmpTree({
      'registry/config.json': JSON.stringify({
        auths: { 'r.example:5000': { auth: Buffer.from('helm-user:pa:ss').toString('base64') } },
      }),
    });
    const docker = tmpTree({
      'config.json': JSON.stringify({
        auths: {
          'r.example:5000': { auth: Buffer.from('docker-user:x').toString('base64') },
          'https://other.example/v1/': { username: 'u', password: 'p' },
        },
      }),
    });
    const env = { HOME: tmpTree({}), HELM_CONFIG_HOME: helmDir, DOCKER_CONFIG: docker };
    expect(storedCredentials('r.example:5000', env)).toEqual({ username: 'helm-user', password: 'pa:ss' });
    expect(storedCredentials('other.example', env)).toEqual({ username: 'u', password: 'p' });
    expect(storedCredentials('none.example', env)).toBeUndefined();
    const broken = tmpTree({ 'config.json': '{"auths": ' });
    expect(() => storedCredentials('x', { ...env, DOCKER_CONFIG: broken })).toThrow(/registry credentials: /);
  });
});
