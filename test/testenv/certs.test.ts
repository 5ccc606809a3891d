// The test environment's certificates are real X.509: Node's TLS accepts them for the names
// they were issued for and rejects them otherwise.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { issueCert, makeCa, webhookCertificates } from './certs.js';

function get(port: number, host: string, ca?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, servername: host, path: '/', ca }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('webhookCertificates', () => {
  it('serves TLS on loopback that verifies against its caBundle only', async () => {
    const certs = webhookCertificates();
    expect(Buffer.from(certs.caBundle, 'base64').toString()).toBe(certs.caPem);
    const server = createServer({ cert: certs.certPem, key: certs.keyPem }, (_req, res) => res.end('hello'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await get(port, 'localhost', certs.caPem)).toBe('hello');
      // Without the CA the chain does not verify; with it, a name the cert lacks does not either.
      await expect(get(port, 'localhost')).rejects.toThrow(/certificate/i);
      await expect(get(port, 'example.com', certs.caPem)).rejects.toThrow(/altnames|Hostname/i);
    } finally {
      server.close();
    }
  });

  it('issues the serving certificate for 127.0.0.1, signed by a CA', () => {
    const certs = webhookCertificates();
    const ca = new X509Certificate(certs.caPem);
    const cert = new X509Certificate(certs.certPem);
    expect(ca.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('127.0.0.2')).toBeUndefined();
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth
  });
});

describe('client certificates', () => {
  it('carry the user as CN and the groups as O, for client authentication', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clustermint-certs-'));
    const ca = makeCa(dir, 'client-ca');
    const admin = issueCert(dir, 'admin', ca, {
      cn: 'alice',
      o: ['system:masters', 'devs'],
      usage: 'client',
    });
    const cert = new X509Certificate(admin.certPem);
    expect(cert.subject.split('\n')).toEqual(['O=system:masters', 'O=devs', 'CN=alice']);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // clientAuth
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
  });

  it('refuses subject values that openssl would misparse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clustermint-certs-'));
    const ca = makeCa(dir, 'client-ca');
    expect(() => issueCert(dir, 'x', ca, { cn: 'a/CN=b', usage: 'client' })).toThrow(/unsupported character/);
  });
});
