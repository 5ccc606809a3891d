/**
 * Reads a chart folder into its files as Helm's directory loader does: every file under it in
 * lexical order (charts/ subfolders and charts/*.tgz included, the loader expands those), less what
 * `.helmignore` and Helm's default rule leave out; symbolic links are followed, but only within the
 * chart folder (Helm follows them anywhere; a link out of the folder is an error here); a socket,
 * fifo or device is an error; a UTF-8 byte order mark is dropped from each file; the same size and
 * count limits as a packaged chart.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, type Stats, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { type ArchiveLimits, type ChartFile, DEFAULT_ARCHIVE_LIMITS } from '../../util/archive.js';
import { ClustermintError } from '../../util/errors.js';
import { HelmIgnore } from './helmignore.js';

const BOM = [0xef, 0xbb, 0xbf];

export function readChartFolder(dir: string, limits: Partial<ArchiveLimits> = {}): ChartFile[] {
  const lim = { ...DEFAULT_ARCHIVE_LIMITS, ...limits };
  const top = resolve(dir);
  const unreadable = (message: string, file = top): never => {
    throw new ClustermintError('UNREADABLE', message, { file });
  };
  let rootReal: string;
  try {
    if (!statSync(top).isDirectory()) unreadable('not a chart folder: is a file');
    rootReal = realpathSync(top);
  } catch (e) {
    if (e instanceof ClustermintError) throw e;
    return unreadable(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!isFile(join(top, 'Chart.yaml'))) {
    // helm's words
    const chartYaml = join(dir, 'Chart.yaml');
    // a folder that is no chart is read, and rejected (exit 1)
    throw new ClustermintError(
      'INVALID_CHART',
      `unable to detect chart at ${chartYaml}: open ${chartYaml}: no such file or directory`,
      { file: top },
    );
  }

  const ignoreFile = join(top, '.helmignore');
  const rules = isFile(ignoreFile)
    ? HelmIgnore.parse(readFileSync(ignoreFile, 'utf8'), ignoreFile)
    : new HelmIgnore();
  rules.addDefaults();

  const files: ChartFile[] = [];
  let remaining = lim.maxTotalBytes;
  let entries = 0;

  // `name` is the path inside the chart; `real` where it is on disk once links are followed;
  // `ancestors` the real folders above it, to refuse a link back up (it would never end).
  const visit = (name: string, full: string, ancestors: string[]): void => {
    if (++entries > lim.maxEntries)
      throw new ClustermintError('TOO_LARGE', `chart folder has more than ${lim.maxEntries} entries`, {
        file: top,
      });
    let st: Stats = lstatSync(full);
    let real = full;
    if (st.isSymbolicLink()) {
      try {
        real = realpathSync(full);
        st = statSync(real);
      } catch (e) {
        unreadable(
          `error evaluating symlink ${name}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
          full,
        );
      }
      const rel = relative(rootReal, real);
      if (rel === '..' || rel.startsWith(`..${sep}`) || resolve(rootReal, rel) !== real)
        throw new ClustermintError(
          'INVALID_CHART',
          `symbolic link ${name} points outside the chart folder (to ${real})`,
          { file: full },
        );
    }
    if (st.isDirectory()) {
      if (rules.ignores(name, true)) return;
      if (ancestors.includes(real))
        throw new ClustermintError('INVALID_CHART', `symbolic link ${name} makes a loop`, { file: full });
      for (const child of sortedNames(full))
        visit(`${name}/${child}`, join(full, child), [...ancestors, real]);
      return;
    }
    if (rules.ignores(name, false)) return;
    if (!st.isFile())
      throw new ClustermintError(
        'INVALID_CHART',
        `cannot load irregular file ${full} as it has file mode type bits set`,
        { file: full },
      );
    if (st.size > lim.maxFileBytes)
      throw new ClustermintError(
        'TOO_LARGE',
        `error reading ${name}: file is ${st.size} bytes, over the ${lim.maxFileBytes} bytes limit`,
        { file: full },
      );
    if (st.size > remaining)
      throw new ClustermintError(
        'TOO_LARGE',
        `error reading ${name}: chart exceeds maximum decompressed size of ${lim.maxTotalBytes} bytes`,
        { file: full },
      );
    let data: Uint8Array = readFileSync(full);
    // the file may have grown since the stat
    if (data.length > remaining)
      throw new ClustermintError(
        'TOO_LARGE',
        `error reading ${name}: chart exceeds maximum decompressed size of ${lim.maxTotalBytes} bytes`,
        { file: full },
      );
    remaining -= data.length;
    if (data[0] === BOM[0] && data[1] === BOM[1] && data[2] === BOM[2]) data = data.subarray(3);
    files.push({ name, data });
  };

  try {
    for (const child of sortedNames(top)) visit(child, join(top, child), [rootReal]);
  } catch (e) {
    if (e instanceof ClustermintError) throw e;
    const err = e as NodeJS.ErrnoException;
    return unreadable(`cannot read: ${err.code ?? err.message}${err.path ? ` (${err.path})` : ''}`);
  }
  return files;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Folder entries in Go's sort.Strings order (by bytes, not UTF-16 units). */
function sortedNames(dir: string): string[] {
  return readdirSync(dir).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}
