/**
 * OCI chart sources against a real distribution registry, charts pushed there by the real
 * `helm push`, and versions picked compared with what `helm pull` picks from the same registry.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/resolve/chart-sources/cache.js';
import { loadChartSource } from '../../../src/resolve/chart-sources/index.js';
import { readChartArchive } from '../../../src/util/archive.js';
import { ClustermintError } from '../../../src/util/errors.js';
import { findGoReference } from '../../helpers/go-reference.js';
import { freePort, type Registry, startRegistry } from '../../helpers/registry.js';
import { SHARED } from '../../helpers/shared.js';
import { tmpTree } from '../../helpers/tmp.js';

const TESTCHARTS = join(SHARED, 'conformance/helm/helm/testcharts');
const helm = findGoReference({
  envVar: 'HELM_BIN',
  install: ['scripts/install-go-tool.sh', 'helm'],
  what: 'the OCI chart source tests',
});
const registryBin = findGoReference({
  envVar: 'REGISTRY_BIN',
  install: ['scripts/install-go-tool.sh', 'registry'],
  what: 'the OCI chart source tests',
});

// loads without a cacheDir use this, never the real cache (after findGoReference, which reads it)
process.env.CLUSTERMINT_CACHE = tmpTree({});
// and no stored registry login of the machine's
process.env.HELM_REGISTRY_CONFIG = join(tmpTree({}), 'none.json');
process.env.DOCKER_CONFIG = tmpTree({});
// helm with its config, cache and registry logins in a folder of its own
const helmHome = tmpTree({});
const helmEnv = {
  ...process.env,
  HELM_CONFIG_HOME: join(helmHome, 'config'),
  HELM_CACHE_HOME: join(helmHome, 'cache'),
  HELM_DATA_HOME: join(helmHome, 'data'),
  HELM_REGISTRY_CONFIG: join(helmHome, 'registry.json'),
};
// async: the token realm of the registry runs in this process, so helm must not block it
function runHelm(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(helm.bin!, args, { encoding: 'utf8', env: helmEnv, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

/** `helm push` a packaged chart; returns the manifest digest helm reports. */
async function push(reg: Registry, tgz: string, repo = 'charts'): Promise<string> {
  const creds = reg.username ? ['--username', reg.username, '--password', reg.password!] : [];
  const r = await runHelm(['push', tgz, `oci://${reg.host}/${repo}`, '--plain-http', ...creds]);
  if (r.status !== 0) throw new Error(`helm push failed: ${r.stderr}`);
  const m = /Digest: (sha256:[a-f0-9]{64})/.exec(r.stdout + r.stderr);
  if (!m) throw new Error(`helm push printed no digest: ${r.stdout}${r.stderr}`);
  return m[1];
}

/** The version `helm pull` picks, read from the name of the file it writes. */
async function helmPulls(ref: string, version?: string): Promise<string> {
  const out = tmpTree({});
  const r = await runHelm([
    'pull',
    ref,
    '--plain-http',
    '-d',
    out,
    ...(version ? ['--version', version] : []),
  ]);
  if (r.status !== 0) return `error: ${r.stderr.trim()}`;
  const [file] = readdirSync(out);
  return file.replace(/^.*?-(\d.*)\.tgz$/, '$1');
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

describe.skipIf(!helm.bin || !registryBin.bin)('OCI chart sources', () => {
  let reg: Registry;
  const digests: Record<string, string> = {};
  const tgz = (v: string) => join(TESTCHARTS, `compressedchart-${v}.tgz`);
  let buildTgz: string;

  beforeAll(async () => {
    reg = await startRegistry(registryBin.bin!, 'anonymous');
    for (const v of ['0.1.0', '0.2.0', '0.3.0']) digests[v] = await push(reg, tgz(v));
    await push(reg, join(TESTCHARTS, 'pre-release-chart-0.1.0-alpha.tgz'));
    // a version with build metadata: the tag is written with `_`
    const chart = tmpTree({
      'Chart.yaml': 'apiVersion: v2\nname: built\nversion: 1.0.0+build.7\n',
      'templates/cm.yaml': 'kind: ConfigMap\n',
    });
    const out = tmpTree({});
    const r = await runHelm(['package', chart, '-d', out]);
    if (r.status !== 0) throw new Error(r.stderr);
    buildTgz = join(out, readdirSync(out)[0]);
    digests.built = await push(reg, buildTgz);
  }, 120_000);
  afterAll(async () => {
    await reg?.stop();
  });

  it('pulls a version by --version, with the files and digest of the pushed archive', async () => {
    const cacheDir = tmpTree({});
    const got = await loadChartSource({
      ref: `oci://${reg.host}/charts/compressedchart`,
      version: '0.2.0',
      plainHttp: true,
      cacheDir,
    });
    const bytes = readFileSync(tgz('0.2.0'));
    expect(got.files).toEqual(readChartArchive(bytes, 'x'));
    expect(got.digest).toBe(`sha256:${sha256Hex(bytes)}`);
    expect(got.version).toBe('0.2.0');
    expect(got.origin).toBe(`oci://${reg.host}/charts/compressedchart@${digests['0.2.0']}`);
    expect(cached(cacheDir)).toEqual([`sha256-${sha256Hex(bytes)}.tgz`]);
  });

  it('pulls by a tag in the reference and by digest', async () => {
    const byTag = await loadChartSource({
      ref: `oci://${reg.host}/charts/compressedchart:0.1.0`,
      plainHttp: true,
    });
    expect(byTag.version).toBe('0.1.0');
    const byDigest = await loadChartSource({
      ref: `oci://${reg.host}/charts/compressedchart@${digests['0.3.0']}`,
      plainHttp: true,
    });
    expect(byDigest.files).toEqual(readChartArchive(readFileSync(tgz('0.3.0')), 'x'));
    // a digest with a version: the tag must point at it
    const both = await loadChartSource({
      ref: `oci://${reg.host}/charts/compressedchart@${digests['0.3.0']}`,
      version: '0.3.0',
      plainHttp: true,
    });
    expect(both.version).toBe('0.3.0');
    const err = await errorOf(
      loadChartSource({
        ref: `oci://${reg.host}/charts/compressedchart@${digests['0.3.0']}`,
        version: '0.1.0',
        plainHttp: true,
      }),
    );
    expect(err.message).toBe(
      `chart reference digest mismatch: ${digests['0.1.0']} is not ${digests['0.3.0']}`,
    );
  });

  it('turns + into _ in the tag, as helm push did', async () => {
    const got = await loadChartSource({
      ref: `oci://${reg.host}/charts/built`,
      version: '1.0.0+build.7',
      plainHttp: true,
    });
    expect(got.files).toEqual(readChartArchive(readFileSync(buildTgz), 'x'));
    const latest = await loadChartSource({ ref: `oci://${reg.host}/charts/built`, plainHttp: true });
    expect(latest.version).toBe('1.0.0+build.7');
  });

  it.each([[''], ['^0.1'], ['~0.2.0'], ['>=0.1 <0.3'], ['0.1.0'], ['<0.2.0'], ['0.x'], ['>0.1.0, <0.3.0']])(
    'picks the version helm pull picks for %j',
    async (version) => {
      const ref = `oci://${reg.host}/charts/compressedchart`;
      const got = await loadChartSource({ ref, version: version || undefined, plainHttp: true });
      expect(got.version).toBe(await helmPulls(ref, version || undefined));
    },
  );

  it('pre-releases only for a constraint that names one', async () => {
    const ref = `oci://${reg.host}/charts/pre-release-chart`;
    const err = await errorOf(loadChartSource({ ref, plainHttp: true }));
    expect(err.message).toBe('could not locate a version matching provided version string ');
    expect(await helmPulls(ref)).toMatch(
      /^error: .*could not locate a version matching provided version string/,
    );
    const got = await loadChartSource({ ref, version: '>=0.1.0-0', plainHttp: true });
    expect(got.version).toBe('0.1.0-alpha');
    expect(await helmPulls(ref, '>=0.1.0-0')).toBe('0.1.0-alpha');
  });

  it('a missing tag, an unsatisfiable constraint and a missing repository are clear errors', async () => {
    const cacheDir = tmpTree({});
    const ref = `oci://${reg.host}/charts/compressedchart`;
    expect(
      (await errorOf(loadChartSource({ ref, version: '9.9.9', plainHttp: true, cacheDir }))).message,
    ).toBe(`${ref}:9.9.9: not found: manifest unknown`);
    const none = await errorOf(loadChartSource({ ref, version: '>5', plainHttp: true, cacheDir }));
    expect(none.message).toBe('could not locate a version matching provided version string >5');
    expect(none.details).toEqual([`tags in ${ref}: 0.3.0, 0.2.0, 0.1.0`]);
    expect(
      (await errorOf(loadChartSource({ ref: `oci://${reg.host}/charts/nothing`, plainHttp: true }))).message,
    ).toBe(`oci://${reg.host}/charts/nothing: not found: repository name not known to registry`);
    expect(cached(cacheDir)).toEqual([]);
  });

  it('a registry that is down is a clear error', async () => {
    const port = await freePort();
    const err = await errorOf(
      loadChartSource({
        ref: `oci://127.0.0.1:${port}/charts/compressedchart`,
        version: '0.1.0',
        plainHttp: true,
      }),
    );
    expect(err.code).toBe('UNREADABLE');
    expect(err.message).toMatch(
      new RegExp(
        `^oci://127\\.0\\.0\\.1:${port}/charts/compressedchart: cannot reach http://127\\.0\\.0\\.1:${port}/v2/charts/compressedchart/manifests/0\\.1\\.0: ECONNREFUSED`,
      ),
    );
  });

  it('a tampered chart layer or manifest is refused and nothing is cached', async () => {
    const own = await startRegistry(registryBin.bin!, 'anonymous');
    try {
      const manifestDigest = await push(own, tgz('0.1.0'));
      const layer = `sha256:${sha256Hex(readFileSync(tgz('0.1.0')))}`;
      const blobData = (d: string) =>
        join(own.storage, 'docker/registry/v2/blobs/sha256', d.slice(7, 9), d.slice(7), 'data');
      const original = readFileSync(blobData(layer));
      const tampered = Buffer.from(original);
      tampered[tampered.length - 20] ^= 0xff;
      writeFileSync(blobData(layer), tampered);
      const cacheDir = tmpTree({});
      const ref = `oci://${own.host}/charts/compressedchart`;
      const err = await errorOf(loadChartSource({ ref, version: '0.1.0', plainHttp: true, cacheDir }));
      expect(err.message).toBe(
        `${ref}@${layer}: chart layer digest mismatch: expected ${layer} (${original.length} bytes), got sha256:${sha256Hex(tampered)} (${original.length} bytes)`,
      );
      expect(cached(cacheDir)).toEqual([]);

      writeFileSync(blobData(layer), original);
      const manifest = readFileSync(blobData(manifestDigest), 'utf8');
      writeFileSync(blobData(manifestDigest), manifest.replace('"schemaVersion":2', '"schemaVersion": 2'));
      const err2 = await errorOf(loadChartSource({ ref, version: '0.1.0', plainHttp: true, cacheDir }));
      expect(err2.message).toMatch(
        new RegExp(
          `^${ref}:0\\.1\\.0: manifest digest mismatch: expected ${manifestDigest}, got sha256:[a-f0-9]{64}$`,
        ),
      );
      expect(cached(cacheDir)).toEqual([]);
    } finally {
      await own.stop();
    }
  });

  it('a reference and version that disagree, and a bad reference, are usage errors', async () => {
    const err = await errorOf(
      loadChartSource({
        ref: `oci://${reg.host}/charts/compressedchart:0.1.0`,
        version: '0.2.0',
        plainHttp: true,
      }),
    );
    expect(err.message).toBe('chart reference and version mismatch: 0.2.0 is not 0.1.0');
    expect((await errorOf(loadChartSource({ ref: 'oci://just-a-host' }))).message).toBe(
      'invalid reference: missing repository: "oci://just-a-host"',
    );
    expect((await errorOf(loadChartSource({ ref: `oci://${reg.host}/Charts/UPPER` }))).code).toBe('USAGE');
  });
});

describe.skipIf(!helm.bin || !registryBin.bin)('OCI chart sources with credentials', () => {
  for (const auth of ['htpasswd', 'token'] as const) {
    describe(auth, () => {
      let reg: Registry;
      beforeAll(async () => {
        reg = await startRegistry(registryBin.bin!, auth);
        await push(reg, join(TESTCHARTS, 'compressedchart-0.1.0.tgz'), 'private');
      }, 60_000);
      afterAll(async () => {
        await reg?.stop();
      });
      const ref = () => `oci://${reg.host}/private/compressedchart`;

      it('pulls with the right credentials', async () => {
        const got = await loadChartSource({
          ref: ref(),
          version: '0.1.0',
          plainHttp: true,
          username: reg.username,
          password: reg.password,
        });
        expect(got.files).toEqual(
          readChartArchive(readFileSync(join(TESTCHARTS, 'compressedchart-0.1.0.tgz')), 'x'),
        );
        if (auth === 'token') expect(reg.tokenRequests).toBeGreaterThan(0);
        // a constraint lists the tags, behind the same auth
        const latest = await loadChartSource({
          ref: ref(),
          plainHttp: true,
          username: reg.username,
          password: reg.password,
        });
        expect(latest.version).toBe('0.1.0');
      });

      it('uses the credentials `helm registry login` stored', async () => {
        const login = await runHelm([
          'registry',
          'login',
          reg.host,
          '-u',
          reg.username!,
          '-p',
          reg.password!,
          '--plain-http',
        ]);
        expect(login.stderr + login.stdout).toContain('Login Succeeded');
        const saved = process.env.HELM_REGISTRY_CONFIG;
        process.env.HELM_REGISTRY_CONFIG = helmEnv.HELM_REGISTRY_CONFIG;
        try {
          const got = await loadChartSource({ ref: ref(), version: '0.1.0', plainHttp: true });
          expect(got.version).toBe('0.1.0');
        } finally {
          process.env.HELM_REGISTRY_CONFIG = saved;
          await runHelm(['registry', 'logout', reg.host]);
        }
      });

      it('a wrong password and no credentials are clear errors, nothing cached', async () => {
        const cacheDir = tmpTree({});
        const wrong = await errorOf(
          loadChartSource({
            ref: ref(),
            version: '0.1.0',
            plainHttp: true,
            username: reg.username,
            password: 'wrong',
            cacheDir,
          }),
        );
        expect(wrong.code).toBe('UNREADABLE');
        expect(wrong.message).toMatch(
          auth === 'htpasswd'
            ? /^oci:\/\/.+:0\.1\.0: the registry refused the credentials \(401 Unauthorized\): authentication required$/
            : /^oci:\/\/.+: the token service at http:\/\/127\.0\.0\.1:\d+\/token refused the credentials \(401 Unauthorized\): bad credentials$/,
        );
        const anonymous = await errorOf(
          loadChartSource({ ref: ref(), version: '0.1.0', plainHttp: true, cacheDir }),
        );
        expect(anonymous.message).toMatch(
          auth === 'htpasswd'
            ? /: the registry asks for credentials \(401 Unauthorized\): authentication required$/
            : /: the token service at .+ asks for credentials \(401 Unauthorized\): bad credentials$/,
        );
        expect(cached(cacheDir)).toEqual([]);
      });
    });
  }
});
