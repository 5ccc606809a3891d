/**
 * A real CNCF distribution registry (REGISTRY_BIN, scripts/install-go-tool.sh registry) for the OCI
 * chart source tests, on a free port with its storage in a temporary folder:
 *   - 'anonymous': no auth;
 *   - 'htpasswd': basic auth. Node has no bcrypt, so the registry provisions its own user: given
 *     no htpasswd file it writes one for `docker` with a random password and logs the password,
 *     which is read back from its log;
 *   - 'token': the Docker token flow. The registry trusts a JWKS written here; the token realm is
 *     a small server in this process that checks basic credentials and signs ES256 JWTs with the
 *     matching key, as a real token server does (the fixture), while the registry checks them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type RegistryAuth = 'anonymous' | 'htpasswd' | 'token';

export interface Registry {
  /** host:port */
  host: string;
  auth: RegistryAuth;
  /** Credentials that the registry (or its token realm) accepts, unless anonymous. */
  username?: string;
  password?: string;
  /** Token requests the realm answered (token mode). */
  tokenRequests: number;
  /** The registry's storage folder. */
  storage: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : 0);
    }),
  );
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** A token server: GET ?service=&scope=... with basic auth -> {token} granting the asked scopes. */
function tokenServer(opts: { username: string; password: string; service: string; issuer: string }) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomBytes(8).toString('hex');
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' };
  const state = { requests: 0 };
  const key = createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const expected = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
      return;
    }
    state.requests++;
    const access = url.searchParams.getAll('scope').flatMap((scope) => {
      const [type, ...rest] = scope.split(':');
      const actions = rest.pop() ?? '';
      return [{ type, name: rest.join(':'), actions: actions.split(',') }];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid }));
    const claims = b64url(
      JSON.stringify({
        iss: opts.issuer,
        sub: opts.username,
        aud: url.searchParams.get('service') ?? opts.service,
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: randomBytes(8).toString('hex'),
        access,
      }),
    );
    const signature = sign('sha256', Buffer.from(`${header}.${claims}`), { key, dsaEncoding: 'ieee-p1363' });
    const token = `${header}.${claims}.${b64url(signature)}`;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }),
    );
  });
  return { server, jwks: { keys: [jwk] }, state };
}

export async function startRegistry(bin: string, auth: RegistryAuth = 'anonymous'): Promise<Registry> {
  const dir = mkdtempSync(join(tmpdir(), 'clustermint-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  let authConfig = '';
  let token: ReturnType<typeof tokenServer> | undefined;
  let username: string | undefined;
  let password: string | undefined;
  if (auth === 'htpasswd') {
    authConfig = `auth:\n  htpasswd:\n    realm: clustermint-test\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (auth === 'token') {
    username = 'tester';
    password = randomBytes(12).toString('hex');
    token = tokenServer({ username, password, service: 'clustermint-registry', issuer: 'clustermint-test' });
    const tokenPort = await listen(token.server);
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify(token.jwks));
    authConfig = [
      'auth:',
      '  token:',
      `    realm: http://127.0.0.1:${tokenPort}/token`,
      '    service: clustermint-registry',
      '    issuer: clustermint-test',
      `    jwks: ${join(dir, 'jwks.json')}`,
      '',
    ].join('\n');
  }
  writeFileSync(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log:',
      '  level: info',
      '  formatter: json',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${host}`,
      `  secret: ${randomBytes(16).toString('hex')}`,
      authConfig,
    ].join('\n'),
  );
  const proc: ChildProcess = spawn(bin, ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout?.on('data', (c: Buffer) => {
    log += c.toString();
  });
  proc.stderr?.on('data', (c: Buffer) => {
    log += c.toString();
  });
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));

  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    if (token) await new Promise<void>((r) => token?.server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`registry exited (${proc.exitCode}): ${log.slice(-2000)}`);
      const status = await fetch(`http://${host}/v2/`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200 || status === 401) break;
      if (Date.now() > deadline) throw new Error(`registry did not start on ${host}: ${log.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    if (auth === 'htpasswd') {
      const line = log
        .split('\n')
        .map((l) => {
          try {
            return JSON.parse(l) as Record<string, string>;
          } catch {
            return undefined;
          }
        })
        .find((l) => l?.user === 'docker' && l.password);
      if (!line) throw new Error(`the registry logged no provisioned password: ${log.slice(-2000)}`);
      username = 'docker';
      password = line.password;
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    host,
    auth,
    username,
    password,
    storage: join(dir, 'data'),
    get tokenRequests() {
      return token?.state.requests ?? 0;
    },
    stop,
  };
}
