#!/usr/bin/env node
import { processIO } from '../dist/cli/io.js';
import { cli } from '../dist/cli/main.js';

// `clustermint template ... | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await cli(process.argv.slice(2), processIO);
