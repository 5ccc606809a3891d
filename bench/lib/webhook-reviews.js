// Shared by the webhook benches (bench/webhook.js, bench/webhook-abuse.js): a throwaway serving
// certificate, the example ClusterDeployments as AdmissionReviews, bodies with placeholders for
// the name and uid (a request is a join, so building one costs the client next to nothing), and a
// one-off POST that returns the AdmissionReview's response.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsyaml from 'js-yaml';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A self-signed EC P-256 certificate for 127.0.0.1 in a new temporary folder. */
export function servingCertificate(prefix = 'cm-bench-webhook-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const key = join(dir, 'tls.key');
  const cert = join(dir, 'tls.crt');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
      ...['-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'],
      ...['-addext', 'subjectAltName=IP:127.0.0.1'],
    ],
    { stdio: 'ignore' },
  );
  return { dir, key, cert };
}

/** The ClusterDeployment of an example file (relative to the repository). */
export function exampleDeployment(file) {
  return jsyaml.loadAll(readFileSync(join(ROOT, file), 'utf8')).find((d) => d?.kind === 'ClusterDeployment');
}

/** The AdmissionReview v1 text the API server sends for the CREATE of `object`. */
export function admissionReview(object, uid) {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: 'clustermint.io', version: 'v1alpha1', kind: 'ClusterDeployment' },
      resource: { group: 'clustermint.io', version: 'v1alpha1', resource: 'clusterdeployments' },
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      operation: 'CREATE',
      userInfo: { username: 'system:serviceaccount:team-a:deployer', groups: ['system:authenticated'] },
      object,
    },
  });
}

// Placeholders for the name and the uid, split once: a request is a join.
const NAME = 'zzbenchnamezz';
const UID = 'zzbenchuidzz';

/** The review of `object` split at its name and uid, for fillReview. */
export function reviewParts(object) {
  return admissionReview({ ...object, metadata: { ...object.metadata, name: NAME } }, UID)
    .split(NAME)
    .map((p) => p.split(UID));
}

/** The review text of reviewParts with this name and uid. */
export function fillReview(parts, name, uid) {
  return parts.map((p) => p.join(uid)).join(name);
}

/** POST a review once and resolve with its `response` (for setting up, not for timing). */
export function postReview(base, tlsOptions, path, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      { method: 'POST', ...tlsOptions, headers: { 'Content-Type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(text).response);
          } catch {
            reject(new Error(`${path}: HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The two example creates (examples/gate/: one allowed, one denied), each as the bodies of its
 * /mutate (the submission) and /validate (the submission with the mutating webhook's patch
 * applied, as the API server sends it), split for fillReview. Throws when a verdict is not the
 * expected one.
 */
export async function exampleCreates(base, tlsOptions) {
  const { default: jsonpatch } = await import('fast-json-patch');
  const creates = [];
  for (const [label, file, allowed] of [
    ['allowed', 'examples/gate/team-a-allowed.yaml', true],
    ['denied', 'examples/gate/team-a-denied.yaml', false],
  ]) {
    const object = exampleDeployment(file);
    const m = await postReview(base, tlsOptions, '/mutate', admissionReview(object, randomUUID()));
    const patch = m.patch ? JSON.parse(Buffer.from(m.patch, 'base64').toString('utf8')) : [];
    const patched = jsonpatch.applyPatch(structuredClone(object), patch).newDocument;
    const v = await postReview(base, tlsOptions, '/validate', admissionReview(patched, randomUUID()));
    if (v.allowed !== allowed) throw new Error(`${label}: the webhook says allowed=${v.allowed}`);
    creates.push({
      label,
      allowed,
      base: object.metadata.name,
      mutate: reviewParts(object),
      validate: reviewParts(patched),
    });
  }
  return creates;
}
