import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readChartFolder } from '../../../src/resolve/chart-sources/folder.js';
import { HelmIgnore } from '../../../src/resolve/chart-sources/helmignore.js';
import { readChartArchive } from '../../../src/util/archive.js';
import { ClustermintError } from '../../../src/util/errors.js';
import { findGoReference } from '../../helpers/go-reference.js';
import { SHARED } from '../../helpers/shared.js';
import { tmpTree } from '../../helpers/tmp.js';

const CHART = 'apiVersion: v2\nname: demo\nversion: 0.1.0\n';

/** A chart folder with files of many shapes for the ignore rules to pick from. */
function chartTree(helmignore?: string): string {
  const dir = tmpTree({
    'Chart.yaml': CHART,
    'values.yaml': 'a: 1\n',
    'templates/a.yaml': 'kind: A\n',
    'templates/.hidden': 'x',
    'templates/sub/b.yaml': 'kind: B\n',
    'templates/sub/.also-hidden.yaml': 'x',
    'docs/readme.md': '# docs\n',
    'docs/x.txt': 'x',
    'docs/deep/y.txt': 'y',
    'notes.txt': 'n',
    'a.txt': 'a',
    'b.txt': 'b',
    'd.txt': 'd',
    'secret.key': 'k',
    'logs/y.log': 'l',
    'foo/bar/baz.txt': 'z',
    'foo/qux/baz.txt': 'z',
    'build/out.bin': 'o',
    'build.txt': 'b',
    'files/a b.cfg': 'c',
    'files/[x].cfg': 'c',
    'files/star*.cfg': 'c',
    'ci/values.yaml': 'a: 2\n',
    ...(helmignore === undefined ? {} : { '.helmignore': helmignore }),
  });
  return dir;
}

const names = (files: Array<{ name: string }>) => files.map((f) => f.name).sort();

function errorOf(f: () => unknown): ClustermintError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ClustermintError);
    return e as ClustermintError;
  }
  throw new Error('expected an error');
}

// .helmignore files, each compared with what `helm package` keeps of the same folder
const IGNORE_CASES: Record<string, string> = {
  'no .helmignore': '',
  'base-name glob': '*.txt\n',
  'folder rule and rooted file': 'docs/\n/a.txt\n',
  'structural glob and extension': 'foo/*/baz.txt\n*.log\n',
  'folder-only rule leaves a file of that name': 'build/\nbuild.txt/\n',
  'classes and ?': '[a-c].txt\nsecret.?ey\nfiles/[[]x].cfg\n',
  'negated class': '[^a].txt\n',
  'path rule naming a folder': 'templates/sub\n',
  'comments, blank lines, spaces': '\n  # a comment\n   *.md   \n\t\n#*.yaml\n',
  'rooted glob': '/docs/*.txt\n',
  'a negation ignores what it does not match': '!*.yaml\n',
  'a negation after a match': '*.txt\n!*.yaml\n',
  escapes: 'files/star\\*.cfg\nfiles/a\\ b.cfg\n',
  'CRLF lines and a BOM': '\uFEFF*.md\r\nlogs/\r\n',
  'star never crosses a slash': 'docs*\ndocs/*\n',
  'a rule with a slash matches the whole path only': 'x.txt/\ndocs/deep\n',
  'question mark does not match a slash': 'foo?bar\nfoo/ba?/baz.txt\n',
};

describe('.helmignore rules', () => {
  const rules = (text: string) => HelmIgnore.parse(text).addDefaults();
  it.each([
    ['*.txt', 'docs/x.txt', false, true],
    ['*.txt', 'docs', true, false],
    ['/a.txt', 'a.txt', false, true],
    ['/a.txt', 'docs/a.txt', false, false],
    ['docs/', 'docs', true, true],
    ['docs/', 'docs', false, false],
    ['foo/*/baz.txt', 'foo/bar/baz.txt', false, true],
    ['foo/*/baz.txt', 'foo/a/b/baz.txt', false, false],
    ['!keep.txt', 'other.txt', false, true],
    ['!keep.txt', 'keep.txt', false, false],
    ['!dir/', 'dir', false, true],
    ['', 'templates/.hidden', false, true],
    ['', 'templates/sub/.hidden', false, false],
    ['', 'templates/.', false, false],
    ['[^a].txt', 'b.txt', false, true],
    ['[^a].txt', 'a.txt', false, false],
    ['a\\*', 'a*', false, true],
    ['a\\*', 'ab', false, false],
  ])('%j on %s (folder: %s) ignores: %s', (rule, path, isDir, ignored) => {
    expect(rules(rule).ignores(path, isDir)).toBe(ignored);
  });

  it.each([
    ['**/x.txt', 'double-star (**) syntax is not supported'],
    ['a[', 'syntax error in pattern'],
    ['[]a]', 'syntax error in pattern'],
    ['ab\\', 'syntax error in pattern'],
  ])('%j is refused with the line it is on', (rule, message) => {
    const err = errorOf(() => HelmIgnore.parse(`# first\n${rule}\n`, 'chart/.helmignore'));
    expect(err.message).toBe(message);
    expect(err.location).toEqual({ file: 'chart/.helmignore', line: 2 });
  });

  it('a malformed glob Go checks only lazily is kept, and never matches', () => {
    const r = rules('x*[\n');
    expect(r.ignores('xa', false)).toBe(false);
    expect(r.ignores('x[', false)).toBe(false);
  });
});

describe('readChartFolder', () => {
  it('reads every file in lexical order, with the default rule and .helmignore applied', () => {
    const dir = chartTree('*.txt\n');
    const files = readChartFolder(dir);
    expect(files.map((f) => f.name)).toEqual([
      '.helmignore',
      'Chart.yaml',
      'build/out.bin',
      'ci/values.yaml',
      'docs/readme.md',
      'files/[x].cfg',
      'files/a b.cfg',
      'files/star*.cfg',
      'logs/y.log',
      'secret.key',
      'templates/a.yaml',
      'templates/sub/.also-hidden.yaml',
      'templates/sub/b.yaml',
      'values.yaml',
    ]);
    expect(Buffer.from(files[1].data).toString()).toBe(CHART);
  });

  it('keeps charts/ folders and archives for the loader, and drops a byte order mark', () => {
    const dir = tmpTree({
      'Chart.yaml': CHART,
      'values.yaml': '\uFEFFa: 1\n',
      'charts/sub/Chart.yaml': 'apiVersion: v2\nname: sub\nversion: 1.0.0\n',
    });
    writeFileSync(
      join(dir, 'charts/sub-2.0.0.tgz'),
      readFileSync(join(SHARED, 'conformance/helm/helm/testcharts/compressedchart-0.1.0.tgz')),
    );
    const files = readChartFolder(dir);
    expect(names(files)).toEqual([
      'Chart.yaml',
      'charts/sub-2.0.0.tgz',
      'charts/sub/Chart.yaml',
      'values.yaml',
    ]);
    expect(Buffer.from(files.find((f) => f.name === 'values.yaml')!.data).toString()).toBe('a: 1\n');
  });

  it('follows a symbolic link inside the chart, under the link’s name', () => {
    const dir = chartTree();
    symlinkSync('a.yaml', join(dir, 'templates/link.yaml'));
    symlinkSync('../docs', join(dir, 'templates/docs-link'));
    const files = readChartFolder(dir);
    expect(names(files)).toContain('templates/link.yaml');
    expect(names(files)).toContain('templates/docs-link/readme.md');
    expect(Buffer.from(files.find((f) => f.name === 'templates/link.yaml')!.data).toString()).toBe(
      'kind: A\n',
    );
  });

  it('refuses a symbolic link out of the chart, a broken one and a loop', () => {
    const outside = tmpTree({ 'secret.txt': 'top secret' });
    const a = chartTree();
    symlinkSync(join(outside, 'secret.txt'), join(a, 'templates/secret.yaml'));
    expect(errorOf(() => readChartFolder(a)).message).toBe(
      `symbolic link templates/secret.yaml points outside the chart folder (to ${join(outside, 'secret.txt')})`,
    );
    const b = chartTree();
    symlinkSync('nowhere.yaml', join(b, 'templates/broken.yaml'));
    expect(errorOf(() => readChartFolder(b)).message).toBe(
      'error evaluating symlink templates/broken.yaml: ENOENT',
    );
    const c = chartTree();
    symlinkSync('..', join(c, 'templates/up'));
    expect(errorOf(() => readChartFolder(c)).message).toBe('symbolic link templates/up makes a loop');
  });

  it('says what is wrong with a path that is not a chart folder', () => {
    const empty = tmpTree({ 'values.yaml': 'a: 1\n' });
    expect(errorOf(() => readChartFolder(empty))).toMatchObject({
      code: 'INVALID_CHART',
      // helm's words
      message: `unable to detect chart at ${join(empty, 'Chart.yaml')}: open ${join(empty, 'Chart.yaml')}: no such file or directory`,
    });
    expect(errorOf(() => readChartFolder(join(empty, 'missing'))).message).toBe('cannot read: ENOENT');
    expect(errorOf(() => readChartFolder(join(empty, 'values.yaml'))).message).toBe(
      'not a chart folder: is a file',
    );
  });

  it('applies the size and count limits', () => {
    const dir = chartTree();
    expect(errorOf(() => readChartFolder(dir, { maxTotalBytes: 40 })).message).toMatch(
      /^error reading .+: chart exceeds maximum decompressed size of 40 bytes$/,
    );
    expect(errorOf(() => readChartFolder(dir, { maxEntries: 5 })).message).toBe(
      'chart folder has more than 5 entries',
    );
  });
});

const helm = findGoReference({
  envVar: 'HELM_BIN',
  install: ['scripts/install-go-tool.sh', 'helm'],
  what: 'the .helmignore parity test',
});
describe.skipIf(!helm.bin)('readChartFolder keeps what `helm package` keeps', () => {
  const packaged = (dir: string) => {
    const out = tmpTree({});
    const r = spawnSync(helm.bin!, ['package', dir, '-d', out], { encoding: 'utf8' });
    if (r.status !== 0) return { error: r.stderr };
    const [tgz] = readdirSync(out);
    return { files: names(readChartArchive(readFileSync(join(out, tgz)), tgz)) };
  };

  it.each(Object.entries(IGNORE_CASES))('%s', (_what, helmignore) => {
    const dir = chartTree(helmignore);
    symlinkSync('a.yaml', join(dir, 'templates/link.yaml'));
    const want = packaged(dir);
    expect(want.error).toBeUndefined();
    expect(names(readChartFolder(dir))).toEqual(want.files);
  });

  it.each([['**/x.txt'], ['a[']])('refuses %j as helm does', (rule) => {
    const dir = chartTree(`${rule}\n`);
    const want = packaged(dir);
    const err = errorOf(() => readChartFolder(dir));
    expect(want.error).toContain(err.message);
  });

  it('the conformance charts: subchart/ and a k0rdent chart', () => {
    for (const dir of [
      join(SHARED, 'conformance/helm/helm/testcharts/subchart'),
      join(SHARED, 'conformance/helm/k0rdent/charts/aws-standalone-cp'),
    ]) {
      const want = packaged(dir);
      expect(want.error).toBeUndefined();
      // helm package writes subcharts back as folders of their own files: compare outside charts/
      const ours = names(readChartFolder(dir)).filter((n) => !n.startsWith('charts/'));
      expect(ours).toEqual(want.files!.filter((n) => !n.startsWith('charts/')));
    }
  });
});
