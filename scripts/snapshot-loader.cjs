// The loader inside the startup snapshot (see scripts/snapshot.js, which writes the snapshot's
// entry script as `const FILES = [...], RESOLVED = ..., WARM_UPS = ..., BUILD = ...;` followed by
// this file). A snapshot's entry may `require` built-in modules only, so the CLI bundle and the
// files it loads at run time (handlebars, re2js, the generated code a common run needs) are read
// here while the snapshot is built and compiled by this loader, found through the resolutions a
// recording run saw. Each file stays its own string: one script holding them all would be
// two-byte as soon as one of them is not Latin-1, twice the size to deserialize.
// Anything else (better-sqlite3, a chart compiled at run time, ...) is required through Node's own
// loader once the snapshot runs: it is never loaded while the snapshot is built.
/* global FILES, RESOLVED, WARM_UPS, BUILD */
'use strict';
const builtinRequire = require;
const path = builtinRequire('node:path');
const v8 = builtinRequire('node:v8');
const fs = builtinRequire('node:fs');
const vm = builtinRequire('node:vm');

const EMBEDDED = new Map(FILES.map((f) => [f, fs.readFileSync(f, 'utf8')]));
/** Each file's CommonJS wrapper, compiled once: every instance of a module shares its code. */
const wrappers = new Map();
function wrapper(file) {
  let fn = wrappers.get(file);
  if (!fn) {
    const text = EMBEDDED.get(file);
    if (file.endsWith('.json')) {
      fn = (_exports, _require, module) => {
        module.exports = JSON.parse(text);
      };
    } else {
      const source = `(function (exports, require, module, __filename, __dirname) {${text.replace(/^#!.*/, '')}\n})`;
      fn = new vm.Script(source, { filename: file }).runInThisContext();
      EMBEDDED.set(file, ''); // the compiled script holds its own copy
    }
    wrappers.set(file, fn);
  }
  return fn;
}

/** False while the snapshot is being built, true once a deserialized snapshot runs. */
let running = false;

// Built-ins the bundle requires at its top level but a template or scan never uses (the webhook's
// and the kube store's network stack, compression): a proxy loads them on first use, so they are
// neither in the snapshot nor loaded by a run that does not need them.
const LAZY_BUILTINS = new Set([
  'http',
  'https',
  'http2',
  'net',
  'tls',
  'zlib',
  'worker_threads',
  'child_process',
]);
const lazyBuiltins = new Map();
function builtin(spec) {
  const bare = spec.startsWith('node:') ? spec.slice(5) : spec;
  if (bare === 'module') return moduleShim;
  if (!LAZY_BUILTINS.has(bare)) return builtinRequire(`node:${bare}`);
  let proxy = lazyBuiltins.get(bare);
  if (!proxy) {
    let real;
    const load = () => {
      real ??= builtinRequire(`node:${bare}`);
      return real;
    };
    proxy = new Proxy(
      {},
      {
        get: (_, k) => load()[k],
        has: (_, k) => k in load(),
        ownKeys: () => Reflect.ownKeys(load()),
        getOwnPropertyDescriptor: (_, k) => {
          const d = Reflect.getOwnPropertyDescriptor(load(), k);
          return d && { ...d, configurable: true };
        },
      },
    );
    lazyBuiltins.set(bare, proxy);
  }
  return proxy;
}

/** One instance of every embedded module (a fresh one after `reset`). */
let cache = new Map();

function load(file) {
  let mod = cache.get(file);
  if (mod) return mod.exports;
  mod = { exports: {}, id: file, filename: file, loaded: false, children: [], paths: [] };
  cache.set(file, mod);
  wrapper(file).call(mod.exports, mod.exports, makeRequire(file), mod, file, path.dirname(file));
  mod.loaded = true;
  return mod.exports;
}

/** Node's own loader, for what is not embedded: only while the snapshot runs. */
function nodeRequire(from, spec) {
  if (!running) throw new Error(`startup snapshot: '${spec}' (required from ${from}) is not embedded`);
  return builtinRequire('node:module').createRequire(from)(spec);
}

function makeRequire(from) {
  const dir = path.dirname(from);
  const req = (spec) => {
    if (spec.startsWith('node:')) return builtin(spec);
    const file = RESOLVED.get(`${dir}\0${spec}`);
    if (file !== undefined)
      return EMBEDDED.has(file) ? load(file) : file.includes('/') ? nodeRequire(from, spec) : builtin(file);
    if (!running && !spec.startsWith('.') && !spec.startsWith('/')) return builtin(spec);
    return nodeRequire(from, spec);
  };
  req.resolve = (spec) =>
    RESOLVED.get(`${dir}\0${spec}`) ?? builtinRequire('node:module').createRequire(from).resolve(spec);
  return req;
}

const toPath = (from) =>
  String(from).startsWith('file:') ? builtinRequire('node:url').fileURLToPath(from) : String(from);
const moduleShim = {
  createRequire: (from) => makeRequire(toPath(from)),
};

// src/util/load-generated.ts asks here first for a generated module.
function installGenerated() {
  globalThis.__clustermintSnapshot = {
    loadGenerated: (file, requireFrom) => {
      if (!EMBEDDED.has(file)) return undefined;
      if (requireFrom && requireFrom !== file && !cache.has(file)) {
        // loaded with another module's resolutions: evaluate it with that require
        const mod = { exports: {}, id: file, filename: file, loaded: false };
        cache.set(file, mod);
        wrapper(file).call(mod.exports, mod.exports, makeRequire(requireFrom), mod, file, path.dirname(file));
        mod.loaded = true;
        return mod.exports;
      }
      return load(file);
    },
  };
}

function instantiate() {
  cache = new Map();
  installGenerated();
  return load(BUILD.bundle);
}

// 1. A throw-away instance runs the common commands, so the functions they call are compiled:
// both instances come from the same function literals of this script and share that code.
async function warmUp() {
  const cli = instantiate();
  let errors = '';
  const sink = {
    out() {},
    err(t) {
      errors += t;
    },
  };
  for (const argv of WARM_UPS) {
    const code = await cli.cli(argv, sink);
    if (code !== 0)
      throw new Error(`warm-up failed (exit ${code}): clustermint ${argv.join(' ')}\n${errors}`);
  }
}

const listenersBefore = new Map(
  ['exit', 'beforeExit', 'warning', 'uncaughtException', 'unhandledRejection'].map((e) => [
    e,
    process.listeners(e),
  ]),
);

warmUp().then(() => {
  // drop whatever the warm-up instance left on the process
  for (const [event, before] of listenersBefore) {
    for (const l of process.listeners(event)) if (!before.includes(l)) process.removeListener(event, l);
  }
  // 2. The instance the snapshot keeps: loaded, top-level code run, nothing run yet. What a run
  // loads on demand (chart and validator code, handlebars, re2js) is loaded here too.
  const cli = instantiate();
  for (const file of BUILD.preload) load(file);

  v8.startupSnapshot.setDeserializeMainFunction(() => {
    running = true;
    // `clustermint template ... | head` closes the pipe early: that is not an error (as bin/clustermint.js).
    for (const stream of [process.stdout, process.stderr]) {
      stream.on('error', (e) => {
        if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
        throw e;
      });
    }
    cli.cli(process.argv.slice(2), cli.processIO).then((code) => {
      process.exitCode = code;
    });
  });
});
