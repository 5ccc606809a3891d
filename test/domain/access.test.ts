// AccessManagement's distribution plan (src/domain/access.ts): targets by list, selector and
// string selector; objects by names, selector and chains; every problem reported per rule.
import { describe, expect, it } from 'vitest';
import {
  type AccessRuleFact,
  copyAction,
  isDistributed,
  type NamespaceFact,
  planDistribution,
  type SystemObjectFact,
} from '../../src/domain/access.js';

const namespaces: NamespaceFact[] = [
  { name: 'clustermint-system', labels: { team: 'platform' } },
  { name: 'team-a', labels: { team: 'a', env: 'prod' } },
  { name: 'team-b', labels: { team: 'b', env: 'dev' } },
  { name: 'team-c', labels: { team: 'c' } },
];
const system: SystemObjectFact[] = [
  { kind: 'ClusterTemplate', name: 'aws-1', labels: { cloud: 'aws' } },
  { kind: 'ClusterTemplate', name: 'aws-2', labels: { cloud: 'aws' } },
  { kind: 'ClusterTemplate', name: 'sim-1', labels: { cloud: 'sim' } },
  { kind: 'ClusterTemplateChain', name: 'aws', labels: {}, chainTemplates: ['aws-1', 'aws-2'] },
  { kind: 'ServiceTemplate', name: 'nginx-1', labels: {} },
  { kind: 'ServiceTemplateChain', name: 'nginx', labels: {}, chainTemplates: ['nginx-1', 'nginx-9'] },
  { kind: 'Credential', name: 'aws-cred', labels: { cloud: 'aws' } },
];

const wanted = (rules: AccessRuleFact[]) =>
  planDistribution(rules, namespaces, system).wanted.map(
    (d) => `${d.kind}/${d.name}@${d.namespace}#${d.rule}`,
  );
const problems = (rules: AccessRuleFact[]) => planDistribution(rules, namespaces, system).problems;

describe('planDistribution: target namespaces', () => {
  const obj = [{ kind: 'Credential', names: ['aws-cred'] }];
  const cases: Array<[string, AccessRuleFact['targets'], string[]]> = [
    ['absent: every namespace but the system one', undefined, ['team-a', 'team-b', 'team-c']],
    ['empty: the same', {}, ['team-a', 'team-b', 'team-c']],
    ['an empty list: the same', { list: [] }, ['team-a', 'team-b', 'team-c']],
    ['a list', { list: ['team-b', 'team-a'] }, ['team-a', 'team-b']],
    [
      'a list naming the system namespace does not copy onto itself',
      { list: ['clustermint-system', 'team-c'] },
      ['team-c'],
    ],
    ['a selector', { selector: { matchLabels: { env: 'prod' } } }, ['team-a']],
    [
      'a selector with expressions',
      { selector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['b', 'c', 'platform'] }] } },
      ['team-b', 'team-c'],
    ],
    ['a string selector', { stringSelector: 'env,team!=a' }, ['team-b']],
  ];
  it.each(cases)('%s', (_n, targets, expected) => {
    expect(wanted([{ targets, objects: obj }])).toEqual(expected.map((ns) => `Credential/aws-cred@${ns}#0`));
  });
});

describe('planDistribution: objects', () => {
  const to = { list: ['team-a'] };
  it('names, and a chain with every template it names', () => {
    expect(
      wanted([
        {
          targets: to,
          objects: [
            { kind: 'ClusterTemplate', names: ['sim-1'] },
            { kind: 'ClusterTemplateChain', names: ['aws'] },
          ],
        },
      ]),
    ).toEqual([
      'ClusterTemplate/sim-1@team-a#0',
      'ClusterTemplateChain/aws@team-a#0',
      'ClusterTemplate/aws-1@team-a#0',
      'ClusterTemplate/aws-2@team-a#0',
    ]);
  });
  it('a selector and a string selector over the system objects of the kind', () => {
    expect(
      wanted([
        { targets: to, objects: [{ kind: 'ClusterTemplate', selector: { matchLabels: { cloud: 'aws' } } }] },
      ]),
    ).toEqual(['ClusterTemplate/aws-1@team-a#0', 'ClusterTemplate/aws-2@team-a#0']);
    expect(wanted([{ targets: to, objects: [{ kind: 'Credential', stringSelector: 'cloud=aws' }] }])).toEqual(
      ['Credential/aws-cred@team-a#0'],
    );
  });
  it('one copy per object and namespace, credited to the first rule that gives it', () => {
    expect(
      wanted([
        { targets: { list: ['team-a'] }, objects: [{ kind: 'Credential', names: ['aws-cred'] }] },
        { targets: undefined, objects: [{ kind: 'Credential', names: ['aws-cred'] }] },
      ]),
    ).toEqual([
      'Credential/aws-cred@team-a#0',
      'Credential/aws-cred@team-b#1',
      'Credential/aws-cred@team-c#1',
    ]);
  });
});

describe('planDistribution: problems', () => {
  const cases: Array<[string, AccessRuleFact, string[]]> = [
    [
      'a target selecting no namespace',
      {
        targets: { selector: { matchLabels: { team: 'z' } } },
        objects: [{ kind: 'Credential', names: ['aws-cred'] }],
      },
      ['targetNamespaces selects no namespace'],
    ],
    [
      'a list naming namespaces that do not exist',
      { targets: { list: ['team-a', 'ghost'] }, objects: [{ kind: 'Credential', names: ['aws-cred'] }] },
      ['targetNamespaces.list names namespaces that do not exist: ghost'],
    ],
    [
      'a string selector that does not parse',
      { targets: { stringSelector: 'a in (b' }, objects: [{ kind: 'Credential', names: ['aws-cred'] }] },
      [
        expect.stringMatching(
          /^targetNamespaces stringSelector "a in \(b" is invalid: /,
        ) as unknown as string,
        'targetNamespaces selects no namespace',
      ],
    ],
    [
      'a kind that cannot be distributed',
      { targets: undefined, objects: [{ kind: 'Secret', names: ['x'] }] },
      [
        'kind Secret cannot be distributed (one of ClusterTemplate, ServiceTemplate, ClusterTemplateChain, ServiceTemplateChain, Credential)',
      ],
    ],
    [
      'a name the system namespace lacks',
      { targets: undefined, objects: [{ kind: 'ClusterTemplate', names: ['gcp-1'] }] },
      ['ClusterTemplate gcp-1 does not exist in namespace clustermint-system'],
    ],
    [
      'a chain naming a template the system namespace lacks',
      { targets: undefined, objects: [{ kind: 'ServiceTemplateChain', names: ['nginx'] }] },
      [
        'ServiceTemplateChain nginx names ServiceTemplate nginx-9, which does not exist in namespace clustermint-system',
      ],
    ],
    [
      'an object selector selecting nothing',
      {
        targets: undefined,
        objects: [{ kind: 'ClusterTemplate', selector: { matchLabels: { cloud: 'gcp' } } }],
      },
      ['the ClusterTemplate selector selects no object in namespace clustermint-system'],
    ],
    [
      'an entry naming nothing',
      { targets: undefined, objects: [{ kind: 'ClusterTemplate' }] },
      ['the ClusterTemplate entry names no object: give names, a selector or a stringSelector'],
    ],
  ];
  it.each(cases)('%s', (_n, rule, expected) => {
    expect(
      problems([{ targets: undefined, objects: [{ kind: 'Credential', names: ['aws-cred'] }] }, rule]),
    ).toEqual(expected.map((message) => ({ rule: 1, message })));
  });
  it('a chain still distributes the templates that exist', () => {
    expect(
      wanted([
        { targets: { list: ['team-a'] }, objects: [{ kind: 'ServiceTemplateChain', names: ['nginx'] }] },
      ]),
    ).toEqual(['ServiceTemplateChain/nginx@team-a#0', 'ServiceTemplate/nginx-1@team-a#0']);
  });
});

describe('isDistributed and copyAction', () => {
  const plan = planDistribution(
    [{ targets: { list: ['team-a'] }, objects: [{ kind: 'Credential', names: ['aws-cred'] }] }],
    namespaces,
    system,
  );
  it('isDistributed matches kind, name and namespace', () => {
    expect(isDistributed(plan, 'Credential', 'aws-cred', 'team-a')).toBe(true);
    expect(isDistributed(plan, 'Credential', 'aws-cred', 'team-b')).toBe(false);
    expect(isDistributed(plan, 'ClusterTemplate', 'aws-cred', 'team-a')).toBe(false);
  });
  it.each([
    [true, true, 'keep'],
    [true, false, 'keep'],
    [false, true, 'revoke'],
    [false, false, 'delete'],
  ] as const)('wanted %s, in use %s: %s', (w, u, action) => expect(copyAction(w, u)).toBe(action));
});
