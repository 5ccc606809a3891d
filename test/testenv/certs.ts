// Test certificates made with the openssl CLI (Node's crypto signs but cannot build X.509
// certificates). EC P-256 keys: generating one takes milliseconds, unlike RSA.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A key pair and certificate on disk, with their PEM text. */
export interface IssuedCert {
  certFile: string;
  keyFile: string;
  certPem: string;
  keyPem: string;
}

export interface CertRequest {
  /** Subject common name (for a client certificate: the user name). */
  cn: string;
  /** Subject organizations (for a client certificate: the groups). */
  o?: string[];
  /** DNS names and IP addresses for a serving certificate. */
  hosts?: string[];
  usage: 'server' | 'client';
}

const DAYS = '2';

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT')
      throw new Error('openssl is not installed (test certificates are made with it)');
    throw new Error(`openssl ${args[0]} failed: ${err.stderr?.toString().trim() ?? err.message}`);
  }
}

function subject(cn: string, o: string[] = []): string {
  // openssl -subj syntax: "/O=a/O=b/CN=x"; '/' and '=' in values would need escaping, ours have none.
  for (const v of [cn, ...o]) if (/[/=\\]/.test(v)) throw new Error(`unsupported character in subject: ${v}`);
  return `${o.map((x) => `/O=${x}`).join('')}/CN=${cn}`;
}

function newKey(dir: string, name: string): string {
  const keyFile = join(dir, `${name}.key`);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyFile], dir);
  return keyFile;
}

function loaded(certFile: string, keyFile: string): IssuedCert {
  return {
    certFile,
    keyFile,
    certPem: readFileSync(certFile, 'utf8'),
    keyPem: readFileSync(keyFile, 'utf8'),
  };
}

/** A self-signed certificate authority named `name` in `dir` (files `<name>.crt`, `<name>.key`). */
export function makeCa(dir: string, name: string): IssuedCert {
  const keyFile = newKey(dir, name);
  const certFile = join(dir, `${name}.crt`);
  openssl(
    [
      ...['req', '-x509', '-new', '-key', keyFile, '-out', certFile, '-days', DAYS, '-subj', subject(name)],
      ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    ],
    dir,
  );
  return loaded(certFile, keyFile);
}

/** A leaf certificate named `name` in `dir`, signed by `ca`. */
export function issueCert(dir: string, name: string, ca: IssuedCert, req: CertRequest): IssuedCert {
  const keyFile = newKey(dir, name);
  const csrFile = join(dir, `${name}.csr`);
  const certFile = join(dir, `${name}.crt`);
  const extFile = join(dir, `${name}.ext`);
  const ext = [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage=${req.usage === 'server' ? 'serverAuth' : 'clientAuth'}`,
  ];
  const hosts = req.hosts ?? [];
  if (hosts.length > 0)
    ext.push(`subjectAltName=${hosts.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(',')}`);
  writeFileSync(extFile, `${ext.join('\n')}\n`);
  openssl(['req', '-new', '-key', keyFile, '-out', csrFile, '-subj', subject(req.cn, req.o)], dir);
  openssl(
    [
      ...['x509', '-req', '-in', csrFile, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial'],
      ...['-out', certFile, '-days', DAYS, '-extfile', extFile],
    ],
    dir,
  );
  return loaded(certFile, keyFile);
}

/** An EC key pair for signing service-account tokens: `<name>.key` (private) and `<name>.pub`. */
export function makeSigningKeyPair(dir: string, name: string): { keyFile: string; pubFile: string } {
  const keyFile = newKey(dir, name);
  const pubFile = join(dir, `${name}.pub`);
  openssl(['pkey', '-in', keyFile, '-pubout', '-out', pubFile], dir);
  return { keyFile, pubFile };
}

/** What an admission webhook server under test needs, and what its configuration points at. */
export interface WebhookCertificates {
  /** Directory holding ca.crt, tls.crt and tls.key. */
  dir: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  certFile: string;
  keyFile: string;
  /** base64 of the CA's PEM: the `clientConfig.caBundle` of a webhook configuration. */
  caBundle: string;
}

/**
 * A fresh CA and a serving certificate for a webhook server on loopback (by default for
 * 127.0.0.1 and localhost), signed by it. Serve with `https.createServer({ cert: certPem,
 * key: keyPem })` and register `clientConfig: { url: 'https://127.0.0.1:<port>/...', caBundle }`.
 */
export function webhookCertificates(
  hosts: string[] = ['127.0.0.1', 'localhost'],
  dir: string = mkdtempSync(join(tmpdir(), 'clustermint-webhook-')),
): WebhookCertificates {
  const ca = makeCa(dir, 'ca');
  const cert = issueCert(dir, 'tls', ca, { cn: hosts[0] ?? 'webhook', hosts, usage: 'server' });
  return {
    dir,
    caPem: ca.certPem,
    certPem: cert.certPem,
    keyPem: cert.keyPem,
    certFile: cert.certFile,
    keyFile: cert.keyFile,
    caBundle: Buffer.from(ca.certPem).toString('base64'),
  };
}
