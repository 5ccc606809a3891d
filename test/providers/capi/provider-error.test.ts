/**
 * providerError (management-cluster.ts): a failed call to the management cluster in, a terminal
 * (a condition) or transient (retry) provider error out. The failures are built as the Kubernetes
 * store throws them: statusError for an apiserver answer, KubeApiError for what the client makes
 * of a missing resource or a broken connection, a Node error for a refused connection.
 */
import { describe, expect, it } from 'vitest';
import { providerError } from '../../../src/providers/capi/management-cluster.js';
import { TerminalProviderError, TransientProviderError } from '../../../src/providers/errors.js';
import { StoreError } from '../../../src/store/errors.js';
import { KubeApiError, statusError } from '../../../src/store/kube/errors.js';

const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  code,
  reason,
  message,
});

const WEBHOOK_403 =
  'admission webhook "validation.cluster.cluster.x-k8s.io" denied the request: Cluster dev: spec.topology.classRef: the ClusterClass does not exist';
const WEBHOOK_422 =
  'admission webhook "validation.kubeadmcontrolplane.controlplane.cluster.x-k8s.io" denied the request: KubeadmControlPlane.controlplane.cluster.x-k8s.io "dev-cp" is invalid: spec.version: Forbidden: cannot update Kubernetes version from v1.32.8 to v1.34.1';
const NO_CRD =
  'no resource for kind Cluster in cluster.x-k8s.io/v1beta2 on the server (is its CRD installed?)';

const econnrefused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), {
  code: 'ECONNREFUSED',
  errno: -111,
  syscall: 'connect',
});

interface Row {
  name: string;
  error: unknown;
  /** The class the fixture is, as the store throws it. */
  is?: typeof StoreError | typeof KubeApiError | typeof Error;
  terminal: boolean;
  reason: string;
  message: string;
}

const rows: Row[] = [
  // Terminal: the cluster's verdict on the request.
  {
    name: '404 from discovery: the CRD is not installed',
    error: new KubeApiError(404, 'NotFound', NO_CRD),
    is: KubeApiError,
    terminal: true,
    reason: 'CRDNotInstalled',
    message: `applying Cluster dev: ${NO_CRD}`,
  },
  {
    name: 'a webhook denial in a 403',
    error: statusError(403, status(403, 'Forbidden', WEBHOOK_403)),
    is: KubeApiError,
    terminal: true,
    reason: 'AdmissionDenied',
    message: `applying Cluster dev: ${WEBHOOK_403}`,
  },
  {
    name: 'a webhook denial in a 422 (field errors)',
    error: statusError(422, status(422, 'Invalid', WEBHOOK_422)),
    is: StoreError,
    terminal: true,
    reason: 'AdmissionDenied',
    message: `applying Cluster dev: ${WEBHOOK_422}`,
  },
  {
    name: 'a schema error: 422 Invalid',
    error: statusError(
      422,
      status(
        422,
        'Invalid',
        'MachineDeployment.cluster.x-k8s.io "dev-md-0" is invalid: spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0',
      ),
    ),
    is: StoreError,
    terminal: true,
    reason: 'Invalid',
    message:
      'applying Cluster dev: MachineDeployment.cluster.x-k8s.io "dev-md-0" is invalid: spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0',
  },
  {
    name: '400 BadRequest with a Status',
    error: statusError(400, status(400, 'BadRequest', 'the body of the request was in an unknown format')),
    is: StoreError,
    terminal: true,
    reason: 'Invalid',
    message: 'applying Cluster dev: the body of the request was in an unknown format',
  },
  {
    name: '400 with a text body',
    error: statusError(400, '  bad apply patch  '),
    is: StoreError,
    terminal: true,
    reason: 'Invalid',
    message: 'applying Cluster dev: bad apply patch',
  },
  {
    name: 'RBAC: 403 Forbidden',
    error: statusError(
      403,
      status(
        403,
        'Forbidden',
        'clusters.cluster.x-k8s.io "dev" is forbidden: User "system:serviceaccount:clustermint:controller" cannot patch resource "clusters" in API group "cluster.x-k8s.io" in the namespace "team-a"',
      ),
    ),
    is: KubeApiError,
    terminal: true,
    reason: 'Forbidden',
    message:
      'applying Cluster dev: clusters.cluster.x-k8s.io "dev" is forbidden: User "system:serviceaccount:clustermint:controller" cannot patch resource "clusters" in API group "cluster.x-k8s.io" in the namespace "team-a"',
  },
  {
    name: '401 without a body',
    error: statusError(401, ''),
    is: KubeApiError,
    terminal: true,
    reason: 'Forbidden',
    message: 'applying Cluster dev: HTTP 401',
  },
  {
    name: 'no credentials for the management cluster (the client says 401)',
    error: new KubeApiError(401, 'Unauthorized', 'credentials for mgmt:6443: exec plugin failed'),
    is: KubeApiError,
    terminal: true,
    reason: 'Forbidden',
    message: 'applying Cluster dev: credentials for mgmt:6443: exec plugin failed',
  },
  {
    name: 'another 404: the object is not there (the store reason)',
    error: statusError(404, status(404, 'NotFound', 'clusters.cluster.x-k8s.io "dev" not found')),
    is: StoreError,
    terminal: true,
    reason: 'NotFound',
    message: 'applying Cluster dev: clusters.cluster.x-k8s.io "dev" not found',
  },
  {
    name: "another 4xx: the apiserver's reason",
    error: statusError(409, status(409, 'AlreadyExists', 'clusters.cluster.x-k8s.io "dev" already exists')),
    is: StoreError,
    terminal: true,
    reason: 'AlreadyExists',
    message: 'applying Cluster dev: clusters.cluster.x-k8s.io "dev" already exists',
  },
  {
    name: '405 without a Status: the reason of the code',
    error: statusError(405, ''),
    is: KubeApiError,
    terminal: true,
    reason: 'MethodNotAllowed',
    message: 'applying Cluster dev: HTTP 405',
  },

  // Transient: no verdict (no answer, overloaded, a server error).
  {
    name: '429 TooManyRequests',
    error: statusError(429, status(429, 'TooManyRequests', 'too many requests, please try again later')),
    is: KubeApiError,
    terminal: false,
    reason: 'ManagementClusterUnreachable',
    message: 'applying Cluster dev: too many requests, please try again later',
  },
  {
    name: '408 Request Timeout',
    error: statusError(408, ''),
    is: KubeApiError,
    terminal: false,
    reason: 'ManagementClusterUnreachable',
    message: 'applying Cluster dev: HTTP 408',
  },
  {
    name: '500: a webhook Cluster API has not started yet',
    error: statusError(
      500,
      status(
        500,
        'InternalError',
        'Internal error occurred: failed calling webhook "default.cluster.cluster.x-k8s.io": dial tcp 10.96.0.10:443: connect: connection refused',
      ),
    ),
    is: KubeApiError,
    terminal: false,
    reason: 'ManagementClusterUnreachable',
    message:
      'applying Cluster dev: Internal error occurred: failed calling webhook "default.cluster.cluster.x-k8s.io": dial tcp 10.96.0.10:443: connect: connection refused',
  },
  {
    name: '503 without a body',
    error: statusError(503, ''),
    is: KubeApiError,
    terminal: false,
    reason: 'ManagementClusterUnreachable',
    message: 'applying Cluster dev: HTTP 503',
  },
  {
    name: 'no answer in time (the client says 504)',
    error: new KubeApiError(
      504,
      'Timeout',
      'PATCH /apis/cluster.x-k8s.io/v1beta2: no answer within 30000 ms',
    ),
    is: KubeApiError,
    terminal: false,
    reason: 'ManagementClusterUnreachable',
    message: 'applying Cluster dev: PATCH /apis/cluster.x-k8s.io/v1beta2: no answer within 30000 ms',
  },
  {
    name: 'a broken connection (the client says 503)',
    error: new KubeApiError(503, 'ServiceUnavailable', 'PATCH mgmt:6443: socket hang up'),
    is: KubeApiError,
    terminal: false,
    reason: 'ManagementClusterUnreachable',
    message: 'applying Cluster dev: PATCH mgmt:6443: socket hang up',
  },
  {
    name: 'ECONNREFUSED (a code that is not a number)',
    error: econnrefused,
    is: Error,
    terminal: false,
    reason: 'ManagementClusterUnreachable',
    message: 'applying Cluster dev: connect ECONNREFUSED 127.0.0.1:6443',
  },
  {
    name: 'a 4xx code as a string is not an answer',
    error: Object.assign(new Error('weird'), { code: '404' }),
    is: Error,
    terminal: false,
    reason: 'ManagementClusterUnreachable',
    message: 'applying Cluster dev: weird',
  },
  {
    name: 'something thrown that is not an Error',
    error: 'socket closed',
    terminal: false,
    reason: 'ManagementClusterUnreachable',
    message: 'applying Cluster dev: socket closed',
  },
  {
    name: 'undefined thrown',
    error: undefined,
    terminal: false,
    reason: 'ManagementClusterUnreachable',
    message: 'applying Cluster dev: undefined',
  },
];

describe('providerError', () => {
  it.each(rows)('$name', (r) => {
    if (r.is) expect(r.error).toBeInstanceOf(r.is);
    const e = providerError('applying Cluster dev', r.error);
    expect(e).toBeInstanceOf(r.terminal ? TerminalProviderError : TransientProviderError);
    expect(e).not.toBeInstanceOf(r.terminal ? TransientProviderError : TerminalProviderError);
    expect({ reason: (e as TerminalProviderError).reason, message: e.message }).toEqual({
      reason: r.reason,
      message: r.message,
    });
    if (e instanceof TransientProviderError) expect(e.retryAfterMs).toBeGreaterThan(0);
  });
});
