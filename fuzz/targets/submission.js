// Submissions (ClusterDeployment YAML) through `check` (the whole gate with the shipped
// policies), `render` and `lint`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { mutated, yamlOf } from '../gen/common.js';
import { clusterDeployment, otherDocument } from '../gen/submission.js';
import { cliFinding } from './cli-result.js';

const documents = fc.array(
  fc.oneof({ weight: 5, arbitrary: clusterDeployment }, { weight: 1, arbitrary: otherDocument }),
  {
    minLength: 1,
    maxLength: 3,
  },
);
const text = fc.oneof(
  { weight: 4, arbitrary: documents.map((ds) => ds.map((d) => yamlOf(d)).join('---\n')) },
  { weight: 1, arbitrary: mutated(documents.map((ds) => ds.map((d) => yamlOf(d)).join('---\n'))) },
);

export const submissionTarget = {
  name: 'submission',
  weight: 12,
  arbitrary: fc.record({ cmd: fc.constantFrom('check', 'check', 'render', 'lint'), text }),
  run(input, env) {
    const { lib, dir } = env;
    const file = join(dir, 'submission.yaml');
    writeFileSync(file, input.text);
    const root = lib.root;
    const args =
      input.cmd === 'check'
        ? [
            'check',
            '-f',
            file,
            '--policies',
            join(root, 'policies'),
            '--namespaces',
            join(root, 'examples/platform/namespaces.yaml'),
            '--state',
            join(dir, 'absent.db'),
          ]
        : input.cmd === 'render'
          ? ['render', '-f', file]
          : ['lint', file];
    return cliFinding(lib, args, env);
  },
};
