/**
 * A kubeconfig whose user is written with a YAML merge key (src/store/kube/config.ts): client-node
 * merges it, and so does the reader of kubectl's own fields (`tokenFile`), which read it as a
 * literal "<<" key and left the token file out.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadKubeconfig } from '../../src/store/kube/config.js';
import { tmpTree } from '../helpers/tmp.js';

it('tokenFile given through a merge key is read, relative to the kubeconfig', async () => {
  const dir = tmpTree({ token: 't0\n' });
  const file = join(dir, 'config');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]',
      'common: &user {tokenFile: token}',
      'users: [{name: u, user: {<<: *user}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
      '',
    ].join('\n'),
  );
  const target = await loadKubeconfig(file);
  const user = target.kubeConfig.getCurrentUser();
  expect(user?.authProvider).toEqual({ name: 'tokenFile', config: { tokenFile: join(dir, 'token') } });
});
