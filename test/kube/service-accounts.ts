// ServiceAccounts on a test API server: raw calls as the admin or with a bearer token, a token
// from the TokenRequest API and a kubeconfig that uses it, access reviews under a token. Shared by
// rbac.test.ts and tenancy.test.ts (the test environment's server or a private one).
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { TestenvInfo } from '../testenv/index.js';

/** What a call needs of a server: the main test environment's or a workload cluster's. */
export type ApiTarget = Pick<TestenvInfo, 'server' | 'caFile' | 'clientCertFile' | 'clientKeyFile'>;

/** A raw call to the test API server, as the admin (client certificate) or with a bearer token. */
export function api(
  info: ApiTarget,
  method: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(
      `${info.server}${path}`,
      {
        method,
        ca: readFileSync(info.caFile),
        ...(token
          ? { headers: { authorization: `Bearer ${token}` } }
          : { cert: readFileSync(info.clientCertFile), key: readFileSync(info.clientKeyFile) }),
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString('utf8');
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.setHeader('content-type', 'application/json');
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', reject);
    req.end(data);
  });
}

/** A ServiceAccount's token (TokenRequest API) and a kubeconfig that uses it. */
export async function serviceAccountKubeconfig(
  info: ApiTarget,
  namespace: string,
  name: string,
  dir: string,
) {
  const r = await api(info, 'POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  });
  if (r.status !== 201)
    throw new Error(`TokenRequest ${namespace}/${name}: ${r.status} ${JSON.stringify(r.body)}`);
  const token = r.body.status.token as string;
  const file = join(dir, `${namespace}-${name}.kubeconfig`);
  const user = `system:serviceaccount:${namespace}:${name}`;
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'testenv',
          cluster: {
            server: info.server,
            'certificate-authority-data': readFileSync(info.caFile).toString('base64'),
          },
        },
      ],
      users: [{ name: user, user: { token } }],
      contexts: [{ name: 'testenv', context: { cluster: 'testenv', user } }],
      'current-context': 'testenv',
    }),
  );
  return { token, file, user };
}

export interface Access {
  verb: string;
  group?: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}
export const describeAccess = (a: Access) =>
  `${a.verb} ${a.group ? `${a.group}/` : ''}${a.resource}${a.subresource ? `/${a.subresource}` : ''}` +
  ` ${a.namespace ? `in ${a.namespace}` : 'cluster-wide'}`;

/** Whether the token's user may do `a` (SelfSubjectAccessReview). */
export async function allowed(info: ApiTarget, token: string, a: Access): Promise<boolean> {
  const r = await api(
    info,
    'POST',
    '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { group: '', ...a } },
    },
    token,
  );
  if (r.status !== 201) throw new Error(`SelfSubjectAccessReview: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.status.allowed === true;
}

/** The accesses of `list` that the token's user has not got (an empty list when all are allowed). */
export async function missing(info: ApiTarget, token: string, list: Access[]): Promise<string[]> {
  const out: string[] = [];
  for (const a of list) if (!(await allowed(info, token, a))) out.push(describeAccess(a));
  return out;
}
/** The accesses of `list` that the token's user has got. */
export async function granted(info: ApiTarget, token: string, list: Access[]): Promise<string[]> {
  const out: string[] = [];
  for (const a of list) if (await allowed(info, token, a)) out.push(describeAccess(a));
  return out;
}
