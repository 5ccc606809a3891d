#!/usr/bin/env node
// The CLI is one bundled file loaded with a V8 code cache (see scripts/bundle.js); `scan` has a
// smaller bundle of its own, since its cold start is most of a scan.
import { fileURLToPath } from 'node:url';
import { loadGenerated } from '../dist/util/load-generated.js';

const bundle = process.argv[2] === 'scan' ? 'scan.cjs' : 'cli.cjs';
const { cli, processIO } = loadGenerated(fileURLToPath(new URL(`../dist/bundle/${bundle}`, import.meta.url)));

// `clustermint template ... | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await cli(process.argv.slice(2), processIO);
