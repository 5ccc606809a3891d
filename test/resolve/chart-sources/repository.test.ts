/**
 * Chart repository sources: a folder indexed by the real `helm repo index`, served by node:http,
 * versions picked compared with what the real `helm pull --repo` picks from the same server.
 */
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/resolve/chart-sources/cache.js';
import { loadChartSource } from '../../../src/resolve/chart-sources/index.js';
import { pickVersion, resolveReferenceUrl } from '../../../src/resolve/chart-sources/repository.js';
import { readChartArchive } from '../../../src/util/archive.js';
import { ClustermintError } from '../../../src/util/errors.js';
import { findGoReference } from '../../helpers/go-reference.js';
import { freePort } from '../../helpers/registry.js';
import { SHARED } from '../../helpers/shared.js';
import { tmpTree } from '../../helpers/tmp.js';

const TESTCHARTS = join(SHARED, 'conformance/helm/helm/testcharts');
const helm = findGoReference({
  envVar: 'HELM_BIN',
  install: ['scripts/install-go-tool.sh', 'helm'],
  what: 'the chart repository source tests',
});
// loads without a cacheDir use this, never the real cache (after findGoReference, which reads it)
process.env.CLUSTERMINT_CACHE = tmpTree({});
const helmHome = tmpTree({});
const helmEnv = {
  ...process.env,
  HELM_CONFIG_HOME: join(helmHome, 'config'),
  HELM_CACHE_HOME: join(helmHome, 'cache'),
  HELM_DATA_HOME: join(helmHome, 'data'),
};

// async: the repository server runs in this process
function runHelm(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(helm.bin!, args, { encoding: 'utf8', env: helmEnv, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

async function errorOf(p: Promise<unknown>): Promise<ClustermintError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ClustermintError);
    return e as ClustermintError;
  }
  throw new Error('expected an error');
}

const cached = (cacheDir: string) =>
  existsSync(join(cacheDir, 'charts')) ? readdirSync(join(cacheDir, 'charts')) : [];

interface Served {
  url: string;
  requests: string[];
  /** Per-path overrides: a status to answer instead of the file. */
  fail: Map<string, number>;
  close(): Promise<void>;
}

/** Serves a folder; with `auth`, only to those basic credentials. */
async function serve(
  dir: string,
  opts: { auth?: [string, string]; tls?: { key: string; cert: string }; port?: number } = {},
): Promise<Served> {
  const requests: string[] = [];
  const fail = new Map<string, number>();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    if (opts.auth) {
      const want = `Basic ${Buffer.from(opts.auth.join(':')).toString('base64')}`;
      if (req.headers.authorization !== want) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="charts"' });
        res.end();
        return;
      }
    }
    const status = fail.get(path);
    const file = join(dir, path);
    if (status || path.includes('..') || !existsSync(file)) {
      res.writeHead(status ?? 404);
      res.end();
      return;
    }
    res.writeHead(200);
    res.end(readFileSync(file));
  };
  const server = opts.tls ? createHttpsServer(opts.tls, handler) : createHttpServer(handler);
  const port = opts.port ?? (await freePort());
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    fail,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A folder of packaged charts with an index.yaml the real helm made (relative URLs unless `url`). */
async function repoFolder(url?: string): Promise<string> {
  const dir = tmpTree({});
  for (const f of [
    'compressedchart-0.1.0.tgz',
    'compressedchart-0.2.0.tgz',
    'compressedchart-0.3.0.tgz',
    'pre-release-chart-0.1.0-alpha.tgz',
  ])
    copyFileSync(join(TESTCHARTS, f), join(dir, f));
  const r = await runHelm(['repo', 'index', dir, ...(url ? ['--url', url] : [])]);
  if (r.status !== 0) throw new Error(r.stderr);
  return dir;
}

describe('chart repository version selection (IndexFile.Get)', () => {
  const entries = ['1.10.0', '1.9.3', '1.9.0', '1.2.0-rc.1', '1.1.0', '0.9.0'].map((version) => ({
    name: 'x',
    version,
    urls: [`x-${version}.tgz`],
  }));
  it.each([
    ['', '1.10.0'],
    ['1.9.0', '1.9.0'],
    ['~1.9', '1.9.3'],
    ['^1.1', '1.10.0'],
    ['>=1 <1.9', '1.1.0'],
    ['>=1.2.0-0 <1.9', '1.2.0-rc.1'],
    ['1.2', 'no chart version found for x-1.2'],
    ['<0.5', 'no chart version found for x-<0.5'],
  ])('%j picks %s', (constraint, want) => {
    const got = pickVersion('x', entries, constraint);
    expect(typeof got === 'string' ? got : got.version).toBe(want);
  });
  it('no such chart, and URLs relative to the repository', () => {
    expect(pickVersion('y', undefined, '')).toBe('no chart name found');
    expect(resolveReferenceUrl('https://h/charts', 'x-1.0.0.tgz')).toBe('https://h/charts/x-1.0.0.tgz');
    expect(resolveReferenceUrl('https://h/charts/?sig=1', 'a/x.tgz')).toBe('https://h/charts/a/x.tgz?sig=1');
    expect(resolveReferenceUrl('https://h/charts', 'https://cdn/x.tgz')).toBe('https://cdn/x.tgz');
  });
});

describe.skipIf(!helm.bin)('chart repository sources', () => {
  let server: Served;
  let dir: string;
  beforeAll(async () => {
    dir = await repoFolder();
    server = await serve(dir);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('downloads the version, checks the digest and caches it', async () => {
    const cacheDir = tmpTree({});
    const got = await loadChartSource({
      ref: 'compressedchart',
      repo: server.url,
      version: '0.2.0',
      cacheDir,
    });
    const bytes = readFileSync(join(dir, 'compressedchart-0.2.0.tgz'));
    expect(got).toEqual({
      files: readChartArchive(bytes, 'x'),
      origin: `${server.url}/compressedchart-0.2.0.tgz`,
      digest: `sha256:${sha256Hex(bytes)}`,
      version: '0.2.0',
    });
    expect(cached(cacheDir)).toEqual([`sha256-${sha256Hex(bytes)}.tgz`]);
    // the next load takes it from the cache: the archive is no longer served
    server.fail.set('/compressedchart-0.2.0.tgz', 500);
    try {
      const again = await loadChartSource({
        ref: 'compressedchart',
        repo: server.url,
        version: '0.2.0',
        cacheDir,
      });
      expect(again.files).toEqual(got.files);
    } finally {
      server.fail.clear();
    }
  });

  it.each([
    [''],
    ['0.1.0'],
    ['^0.1'],
    ['~0.2'],
    ['>=0.1.0 <0.3.0'],
    ['0.x'],
    ['<=0.2'],
    ['> 0.1.0 || 0.1.0'],
  ])('picks the version helm pull --repo picks for %j', async (version) => {
    const out = tmpTree({});
    const args = ['pull', '--repo', server.url, 'compressedchart', '-d', out];
    const r = await runHelm(version ? [...args, '--version', version] : args);
    expect(r.stderr).toBe('');
    const helmVersion = readdirSync(out)[0].replace(/^compressedchart-(.*)\.tgz$/, '$1');
    const got = await loadChartSource({
      ref: 'compressedchart',
      repo: server.url,
      version: version || undefined,
    });
    expect(got.version).toBe(helmVersion);
  });

  it('pre-releases only when the constraint names one, as helm', async () => {
    const err = await errorOf(loadChartSource({ ref: 'pre-release-chart', repo: server.url }));
    expect(err.message).toBe(`chart "pre-release-chart" not found in ${server.url} repository`);
    const r = await runHelm(['pull', '--repo', server.url, 'pre-release-chart', '-d', tmpTree({})]);
    expect(r.stderr).toContain(err.message);
    const got = await loadChartSource({ ref: 'pre-release-chart', repo: server.url, version: '>=0.1.0-0' });
    expect(got.version).toBe('0.1.0-alpha');
  });

  it('an unsatisfiable constraint and an unknown chart are Helm’s errors', async () => {
    const cacheDir = tmpTree({});
    const err = await errorOf(
      loadChartSource({ ref: 'compressedchart', repo: server.url, version: '>5', cacheDir }),
    );
    expect(err.message).toBe(`chart "compressedchart" version ">5" not found in ${server.url} repository`);
    expect(err.details).toEqual([
      'no chart version found for compressedchart->5',
      'versions in the index: 0.3.0, 0.2.0, 0.1.0',
    ]);
    const r = await runHelm([
      'pull',
      '--repo',
      server.url,
      'compressedchart',
      '--version',
      '>5',
      '-d',
      tmpTree({}),
    ]);
    expect(r.stderr).toContain(err.message);
    const none = await errorOf(loadChartSource({ ref: 'nope', repo: server.url, cacheDir }));
    expect(none.message).toBe(`chart "nope" not found in ${server.url} repository`);
    expect(cached(cacheDir)).toEqual([]);
  });

  it('absolute chart URLs in the index', async () => {
    const port = await freePort();
    const absDir = await repoFolder(`http://127.0.0.1:${port}/elsewhere`);
    const index = readFileSync(join(absDir, 'index.yaml'), 'utf8');
    expect(index).toContain(`http://127.0.0.1:${port}/elsewhere/compressedchart-0.3.0.tgz`);
    // the index at one place, the archives on another server under /elsewhere/
    const archives = tmpTree({});
    mkdirSync(join(archives, 'elsewhere'));
    for (const f of readdirSync(absDir))
      if (f.endsWith('.tgz')) copyFileSync(join(absDir, f), join(archives, 'elsewhere', f));
    const indexServer = await serve(absDir);
    const other = await serve(archives, { port });
    try {
      // a cache of its own: the same archive was loaded above
      const got = await loadChartSource({
        ref: 'compressedchart',
        repo: indexServer.url,
        cacheDir: tmpTree({}),
      });
      expect(got.origin).toBe(`http://127.0.0.1:${port}/elsewhere/compressedchart-0.3.0.tgz`);
      expect(got.version).toBe('0.3.0');
      expect(other.requests).toEqual(['/elsewhere/compressedchart-0.3.0.tgz']);
    } finally {
      await indexServer.close();
      await other.close();
    }
  });

  it('a download that does not match the index digest is refused, nothing cached', async () => {
    const tampered = await repoFolder();
    const file = join(tampered, 'compressedchart-0.3.0.tgz');
    const bytes = readFileSync(join(TESTCHARTS, 'compressedchart-0.1.0.tgz'));
    writeFileSync(file, bytes);
    const s = await serve(tampered);
    const cacheDir = tmpTree({});
    try {
      const err = await errorOf(loadChartSource({ ref: 'compressedchart', repo: s.url, cacheDir }));
      const want = sha256Hex(readFileSync(join(TESTCHARTS, 'compressedchart-0.3.0.tgz')));
      expect(err.message).toBe(
        `digest mismatch for ${s.url}/compressedchart-0.3.0.tgz: the index says sha256:${want}, the download is sha256:${sha256Hex(bytes)}`,
      );
      expect(cached(cacheDir)).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('basic auth: the right credentials, a wrong password, none', async () => {
    const s = await serve(dir, { auth: ['user', 'secret'] });
    try {
      const got = await loadChartSource({
        ref: 'compressedchart',
        repo: s.url,
        username: 'user',
        password: 'secret',
      });
      expect(got.version).toBe('0.3.0');
      const wrong = await errorOf(
        loadChartSource({ ref: 'compressedchart', repo: s.url, username: 'user', password: 'wrong' }),
      );
      const text = `looks like "${s.url}" is not a valid chart repository or cannot be reached: failed to fetch ${s.url}/index.yaml : 401 Unauthorized`;
      expect(wrong.message).toBe(text);
      const r = await runHelm([
        'pull',
        '--repo',
        s.url,
        'compressedchart',
        '--username',
        'user',
        '--password',
        'wrong',
      ]);
      expect(r.stderr).toContain(text);
      expect((await errorOf(loadChartSource({ ref: 'compressedchart', repo: s.url }))).message).toBe(text);
    } finally {
      await s.close();
    }
  });

  it('a repository that is down, and an index that is not one', async () => {
    const port = await freePort();
    const down = await errorOf(loadChartSource({ ref: 'compressedchart', repo: `http://127.0.0.1:${port}` }));
    expect(down.message).toMatch(
      new RegExp(
        `^looks like "http://127\\.0\\.0\\.1:${port}" is not a valid chart repository or cannot be reached: cannot reach http://127\\.0\\.0\\.1:${port}/index\\.yaml: ECONNREFUSED`,
      ),
    );
    const bad = tmpTree({ 'index.yaml': 'entries: {}\n' });
    const s = await serve(bad);
    try {
      expect((await errorOf(loadChartSource({ ref: 'x', repo: s.url }))).message).toBe(
        `looks like "${s.url}" is not a valid chart repository or cannot be reached: no API version specified`,
      );
      writeFileSync(join(bad, 'index.yaml'), '');
      expect((await errorOf(loadChartSource({ ref: 'x', repo: s.url }))).message).toBe(
        `looks like "${s.url}" is not a valid chart repository or cannot be reached: empty index.yaml file`,
      );
    } finally {
      await s.close();
    }
  });

  it('an http(s) URL to a .tgz', async () => {
    const got = await loadChartSource({ ref: `${server.url}/compressedchart-0.1.0.tgz` });
    expect(got.files).toEqual(readChartArchive(readFileSync(join(dir, 'compressedchart-0.1.0.tgz')), 'x'));
    expect((await errorOf(loadChartSource({ ref: `${server.url}/missing-1.0.0.tgz` }))).message).toBe(
      `failed to fetch ${server.url}/missing-1.0.0.tgz : 404 Not Found`,
    );
  });
});

const openssl = spawnSync('openssl', ['version']).status === 0;
describe.skipIf(!helm.bin || !openssl)('chart repository over https', () => {
  let server: Served;
  let ca: string;
  beforeAll(async () => {
    const certs = tmpTree({});
    const r = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(certs, 'key.pem'),
        '-out',
        join(certs, 'cert.pem'),
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(r.stderr);
    ca = join(certs, 'cert.pem');
    server = await serve(await repoFolder(), {
      tls: { key: readFileSync(join(certs, 'key.pem'), 'utf8'), cert: readFileSync(ca, 'utf8') },
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('trusts the CA file given, or nothing with --insecure-skip-tls-verify; refuses an unknown CA', async () => {
    expect((await loadChartSource({ ref: 'compressedchart', repo: server.url, caFile: ca })).version).toBe(
      '0.3.0',
    );
    expect(
      (await loadChartSource({ ref: 'compressedchart', repo: server.url, insecureSkipTlsVerify: true }))
        .version,
    ).toBe('0.3.0');
    const err = await errorOf(loadChartSource({ ref: 'compressedchart', repo: server.url }));
    expect(err.message).toMatch(
      /cannot reach https:\/\/127\.0\.0\.1:\d+\/index\.yaml: .*(self.signed|certificate)/i,
    );
  });
});
