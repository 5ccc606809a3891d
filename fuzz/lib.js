// What the fuzz targets call, from the build (dist/): `npm run build` first. The vitest slice
// (test/fuzz/) passes the same functions from the TypeScript sources instead.
import { fileURLToPath } from 'node:url';
import { bufferIO } from '../dist/cli/io.js';
import { cli } from '../dist/cli/main.js';
import { mergeValueFlags, StrvalsError } from '../dist/render/helm/strvals.js';
import { ClustermintError } from '../dist/util/errors.js';
import { admit } from '../dist/webhook/admit.js';
import { BadReview, parseAdmissionReview } from '../dist/webhook/review.js';
import { loadDirectories } from '../dist/webhook/sources.js';

export const lib = {
  root: fileURLToPath(new URL('..', import.meta.url)),
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
