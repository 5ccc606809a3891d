/**
 * What a person writes means what it means to kubectl and Helm (sigs.k8s.io/yaml, go-yaml v2):
 * `enabled: yes` is true there, so `check` allows it and the rendered object has `true`, and a
 * quoted "yes" is the text the schema refuses, at its line and column.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

const ROOT = join(import.meta.dirname, '..', '..');
const example = readFileSync(join(ROOT, 'examples', 'aws-cluster.yaml'), 'utf8');
const withBastion = (enabled: string) =>
  example.replace(
    '    workersNumber: 2\n',
    `    workersNumber: 2\n    bastion:\n      enabled: ${enabled}\n`,
  );

describe('YAML 1.1 words in what people write', () => {
  const dir = tmpTree({
    'yes.yaml': withBastion('yes'),
    'on.yaml': withBastion('On'),
    'quoted.yaml': withBastion('"yes"'),
    'key.yaml': example.replace('    workersNumber: 2\n', '    workersNumber: 2\n    on: 1\n'),
    'values.yaml':
      'region: eu-west-1\nclusterIdentity: {name: id, kind: AWSClusterStaticIdentity}\n' +
      'controlPlane: {instanceType: t3.large}\nworker: {instanceType: t3.large}\nbastion:\n  enabled: y\n',
  });

  it.each(['yes.yaml', 'on.yaml'])('check reads %s as true and allows it', async (file) => {
    const r = await run('check', '-f', join(dir, file));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ALLOWED +team-b\/prod-eu/m);
  });

  it('check refuses a quoted "yes" where a boolean goes, at its place', async () => {
    const r = await run('check', '-f', join(dir, 'quoted.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /quoted\.yaml:19:16 \(\$\.bastion\.enabled\): must be boolean, got string "yes"/,
    );
  });

  it('a word key is the key kubectl makes of it, found at its place', async () => {
    const r = await run('check', '-f', join(dir, 'key.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/key\.yaml:18:5 \(\$\.spec\.config\.true\): unknown key "true"/);
  });

  it('template renders the boolean', async () => {
    const r = await run('template', 'aws-standalone-cp', '-f', join(dir, 'values.yaml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\n {2}bastion:\n( {4}.*\n)* {4}enabled: true\n/);
  });
});
