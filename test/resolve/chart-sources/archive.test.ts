import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readChartArchive } from '../../../src/util/archive.js';
import { ClustermintError } from '../../../src/util/errors.js';
import { findGoReference } from '../../helpers/go-reference.js';
import { SHARED } from '../../helpers/shared.js';
import { tmpTree } from '../../helpers/tmp.js';
import { CHART_YAML, type Entry, pax, tar, tgz } from './tar-bytes.js';

const TESTCHARTS = join(SHARED, 'conformance/helm/helm/testcharts');

function errorOf(f: () => unknown): ClustermintError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ClustermintError);
    return e as ClustermintError;
  }
  throw new Error('expected an error');
}

const ok = (extra: Entry[]): Entry[] => [{ name: 'demo/Chart.yaml', data: CHART_YAML }, ...extra];

describe('readChartArchive', () => {
  it('reads a chart Helm packaged: names without the chart folder, bytes as they are', () => {
    const bytes = readFileSync(join(TESTCHARTS, 'compressedchart-0.1.0.tgz'));
    const files = readChartArchive(bytes, 'compressedchart-0.1.0.tgz');
    const names = files.map((f) => f.name).sort();
    expect(names).toContain('Chart.yaml');
    expect(names).toContain('values.yaml');
    expect(names.every((n) => !n.startsWith('compressedchart/') && !n.startsWith('/'))).toBe(true);
    const chart = files.find((f) => f.name === 'Chart.yaml');
    expect(Buffer.from(chart!.data).toString()).toMatch(/name: compressedchart/);
  });

  it('skips folders and pax headers, honours pax paths, GNU long names, ustar prefixes and backslashes', () => {
    const long = `demo/templates/${'x'.repeat(120)}.yaml`;
    const files = readChartArchive(
      tgz(
        ok([
          { name: 'demo/templates/', type: '5' },
          { name: 'pax', type: 'x', data: pax({ path: 'demo/templates/from-pax.yaml' }) },
          { name: 'ignored-name', data: 'a: 1\n' },
          { name: 'pax-global', type: 'g', data: pax({ comment: 'hello' }) },
          { name: '././@LongLink', type: 'L', data: `${long}\0` },
          { name: 'short', data: 'b: 2\n' },
          { name: 'values.yaml', prefix: 'demo', data: 'c: 3\n' },
          { name: 'demo\\templates\\win.yaml', data: 'd: 4\n' },
        ]),
      ),
      'x.tgz',
    );
    expect(files.map((f) => f.name)).toEqual([
      'Chart.yaml',
      'templates/from-pax.yaml',
      long.slice('demo/'.length),
      'values.yaml',
      'templates/win.yaml',
    ]);
  });

  it('drops a UTF-8 byte order mark, as Helm does', () => {
    const [, v] = readChartArchive(tgz(ok([{ name: 'demo/values.yaml', data: '\uFEFFa: 1\n' }])), 'x.tgz');
    expect(Buffer.from(v.data).toString()).toBe('a: 1\n');
  });

  it.each([
    ['demo/../../evil.yaml', 'chart illegally references parent directory'],
    ['demo//etc/passwd', 'chart illegally contains absolute paths'],
    ['Chart.yaml', 'chart illegally contains content outside the base directory: "Chart.yaml"'],
    ['demo/c:/windows.yaml', 'chart contains illegally named files'],
    ['demo\\..\\..\\evil.yaml', 'chart illegally references parent directory'],
  ])('refuses the entry %s with Helm’s words', (name, message) => {
    const err = errorOf(() => readChartArchive(tgz(ok([{ name, data: 'x' }])), 'bad.tgz'));
    expect(err.code).toBe('INVALID_CHART');
    expect(err.message).toContain(message);
    expect(err.location?.file).toBe('bad.tgz');
  });

  it.each([
    ['2', 'symbolic link'],
    ['1', 'hard link'],
    ['3', 'device'],
    ['6', 'fifo'],
  ])('refuses an entry of type %s (%s), naming it', (type, kind) => {
    const err = errorOf(() =>
      readChartArchive(tgz(ok([{ name: 'demo/templates/x.yaml', type, linkname: '/etc/passwd' }])), 'l.tgz'),
    );
    expect(err.message).toBe(`chart archive contains a ${kind} (entry "demo/templates/x.yaml")`);
  });

  it('stops a decompression bomb at the limit while inflating (default 100 MiB)', () => {
    // 150 MiB of zeros is ~150 KiB gzip'd
    const bomb = gzipSync(tar([{ name: 'demo/big', data: new Uint8Array(150 * 1024 * 1024) }], false), {
      level: 9,
    });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const err = errorOf(() => readChartArchive(bomb, 'bomb.tgz'));
    expect(err.code).toBe('TOO_LARGE');
    expect(err.message).toBe('decompressed chart is larger than the maximum size 104857600');
  });

  it('budgets file data like Helm (the sum of the files) and caps one file and the entry count', () => {
    const files = ok([
      { name: 'demo/a', data: new Uint8Array(600) },
      { name: 'demo/b', data: new Uint8Array(600) },
    ]);
    expect(readChartArchive(tgz(files), 'x', { maxTotalBytes: 2000 })).toHaveLength(3);
    expect(errorOf(() => readChartArchive(tgz(files), 'x', { maxTotalBytes: 1200 })).message).toBe(
      'decompressed chart is larger than the maximum size 1200',
    );
    expect(errorOf(() => readChartArchive(tgz(files), 'x', { maxFileBytes: 500 })).message).toBe(
      'file is 600 bytes, over the 500 bytes limit (entry "demo/a")',
    );
    expect(errorOf(() => readChartArchive(tgz(files), 'x', { maxEntries: 2 })).message).toBe(
      'chart archive has more than 2 entries',
    );
  });

  it('gives a clear error for bytes that are not a chart archive', () => {
    const good = tgz(ok([{ name: 'demo/values.yaml', data: 'a: 1\n'.repeat(1000) }]));
    const cases: Array<[Uint8Array, string]> = [
      [Buffer.from('name: not-an-archive\n'), 'not a chart archive: gzip: invalid header'],
      [good.subarray(0, good.length - 30), 'chart archive is truncated: gzip: unexpected EOF'],
      [
        gzipSync(Buffer.from('just text, not tar'.repeat(40))),
        'chart archive is corrupt: archive/tar: invalid tar header',
      ],
      [
        gzipSync(tar(ok([{ name: 'demo/x', data: 'x'.repeat(2000) }]), false).subarray(0, 1600)),
        'chart archive is truncated: unexpected EOF',
      ],
      [gzipSync(new Uint8Array(1024)), 'no files in chart archive'],
      [tgz([{ name: 'demo/templates/', type: '5' }]), 'no files in chart archive'],
    ];
    for (const [bytes, message] of cases) {
      const err = errorOf(() => readChartArchive(bytes, 'in.tgz'));
      expect(err.message, message).toBe(message);
      expect(err.location?.file).toBe('in.tgz');
    }
  });

  it('a corrupt header checksum is refused', () => {
    const t = tar(ok([]));
    t[148] = '7'.charCodeAt(0);
    expect(errorOf(() => readChartArchive(gzipSync(t), 'c.tgz')).message).toBe(
      'chart archive is corrupt: archive/tar: invalid tar header',
    );
  });
});

// The path rules are Helm's: the real helm refuses the same archives with the same words.
const helm = findGoReference({
  envVar: 'HELM_BIN',
  install: ['scripts/install-go-tool.sh', 'helm'],
  what: 'the archive parity test',
});
describe.skipIf(!helm.bin)('readChartArchive and helm show chart agree on bad paths', () => {
  it.each([
    ['demo/../../evil.yaml', 'chart illegally references parent directory'],
    ['demo//etc/passwd', 'chart illegally contains absolute paths'],
    ['demo/c:/windows.yaml', 'chart contains illegally named files'],
  ])('%s', (name, message) => {
    const dir = tmpTree({});
    const file = join(dir, 'bad-0.1.0.tgz');
    writeFileSync(
      file,
      tgz([...ok([{ name: 'demo/templates/cm.yaml', data: 'kind: ConfigMap\n' }]), { name, data: 'x' }]),
    );
    const r = spawnSync(helm.bin!, ['show', 'chart', file], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(message);
    expect(errorOf(() => readChartArchive(readFileSync(file), file)).message).toContain(message);
  });
});
