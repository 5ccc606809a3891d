// The functions the fuzz targets (fuzz/targets/) call, from the TypeScript sources: the vitest
// slice runs without a build. fuzz/lib.js is the same object from dist/.
import { fileURLToPath } from 'node:url';
import { bufferIO } from '../../src/cli/io.js';
import { cli } from '../../src/cli/main.js';
import { mergeValueFlags, StrvalsError } from '../../src/render/helm/strvals.js';
import { ClustermintError } from '../../src/util/errors.js';
import { admit } from '../../src/webhook/admit.js';
import { BadReview, parseAdmissionReview } from '../../src/webhook/review.js';
import { loadDirectories } from '../../src/webhook/sources.js';

export const lib = {
  root: fileURLToPath(new URL('../..', import.meta.url)),
  cli,
  bufferIO,
  ClustermintError,
  mergeValueFlags,
  StrvalsError,
  admit,
  parseAdmissionReview,
  BadReview,
  loadDirectories,
};
