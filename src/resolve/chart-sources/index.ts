/**
 * Where a chart's files come from, as `helm template REF` finds them: a chart folder, a packaged
 * .tgz, `oci://...`, an https URL to a .tgz, or `--repo URL` and a chart name. Remote archives are
 * verified, then kept in the digest-keyed cache (cache.ts); a failure caches nothing.
 * (`repoName/chart` needs `helm repo add`, which clustermint has no equivalent of.)
 */
import { statSync } from 'node:fs';
import { type ChartFile, readChartArchive } from '../../util/archive.js';
import { ClustermintError } from '../../util/errors.js';
import { readInputBytes } from '../../util/read-text-file.js';
import { sha256Hex, writeCachedArchive } from './cache.js';
import { readChartFolder } from './folder.js';
import { basicAuth, type TlsOptions } from './http.js';
import { loadFromOci } from './oci.js';
import { downloadArchive, loadFromRepository, MAX_ARCHIVE_BYTES } from './repository.js';

export type { ChartFile } from '../../util/archive.js';

export interface ChartSourceRequest {
  /** A folder, a .tgz path, `oci://...`, an http(s) URL to a .tgz, or a chart name with `repo`. */
  ref: string;
  /** A version or Masterminds constraint (`^1.2`, `~1.2.3`, `>=1 <2`); empty: the latest stable. */
  version?: string;
  /** A chart repository URL; `ref` is then the chart's name in its index.yaml. */
  repo?: string;
  username?: string;
  password?: string;
  /** OCI over http instead of https. */
  plainHttp?: boolean;
  insecureSkipTlsVerify?: boolean;
  caFile?: string;
  /** The clustermint cache root (default `${CLUSTERMINT_CACHE:-~/.cache/clustermint}`); charts go in its charts/. */
  cacheDir?: string;
}

export interface LoadedChart {
  files: ChartFile[];
  /** Where the files came from: the folder, the file, or the URL / OCI reference (with digest). */
  origin: string;
  /** `sha256:<hex>` of the archive, for anything but a folder. */
  digest?: string;
  /** The version picked from a repository or registry. */
  version?: string;
}

export async function loadChartSource(req: ChartSourceRequest): Promise<LoadedChart> {
  const tls: TlsOptions = { caFile: req.caFile, insecureSkipTlsVerify: req.insecureSkipTlsVerify };
  if (req.repo) {
    if (!/^https?:\/\//.test(req.repo))
      throw new ClustermintError(
        'USAGE',
        `--repo must be an http or https URL, got ${JSON.stringify(req.repo)}`,
      );
    return loadFromRepository({
      repoUrl: req.repo,
      chart: req.ref,
      version: req.version,
      username: req.username,
      password: req.password,
      tls,
      cacheDir: req.cacheDir,
    });
  }
  if (req.ref.startsWith('oci://'))
    return loadFromOci({
      ref: req.ref,
      version: req.version,
      username: req.username,
      password: req.password,
      plainHttp: req.plainHttp,
      tls,
      cacheDir: req.cacheDir,
    });
  if (/^https?:\/\//.test(req.ref)) {
    const bytes = await downloadArchive(req.ref, {
      tls,
      headers: {
        accept: 'application/gzip,application/octet-stream',
        ...(req.username && req.password ? { authorization: basicAuth(req.username, req.password) } : {}),
      },
    });
    const files = readChartArchive(bytes, req.ref);
    const hex = writeCachedArchive(bytes, req.cacheDir);
    return { files, origin: req.ref, digest: `sha256:${hex}` };
  }
  return loadLocal(req.ref);
}

function loadLocal(path: string): LoadedChart {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ClustermintError(
      'UNREADABLE',
      code === 'ENOENT'
        ? 'no such chart: the path does not exist'
        : `cannot read: ${code ?? (e as Error).message}`,
      { file: path },
    );
  }
  if (st.isDirectory()) return { files: readChartFolder(path), origin: path };
  if (st.size > MAX_ARCHIVE_BYTES)
    throw new ClustermintError('TOO_LARGE', `chart archive is over the ${MAX_ARCHIVE_BYTES} bytes limit`, {
      file: path,
    });
  const bytes = readInputBytes(path, MAX_ARCHIVE_BYTES);
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    // helm's words (it sniffs the content type as Go's http.DetectContentType does)
    throw new ClustermintError(
      'UNREADABLE',
      `file '${path}' does not appear to be a gzipped archive; got '${sniffContentType(bytes)}'`,
    );
  }
  return { files: readChartArchive(bytes, path), origin: path, digest: `sha256:${sha256Hex(bytes)}` };
}

/** Go's http.DetectContentType for what a non-gzip file usually is: text, or bytes. */
function sniffContentType(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 512);
  for (const b of head) {
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b) || b === 0x7f) {
      return 'application/octet-stream';
    }
  }
  return 'text/plain; charset=utf-8';
}
