/**
 * Issue 17, classes 7 and 8: what reaches the terminal is escaped and capped, and every failure
 * is located with a documented exit code (a damaged state file is exit 2 in every command).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';
import { run } from '../helpers/cli.js';
import { tmpChart, tmpTree } from '../helpers/tmp.js';

/** Bytes a terminal acts upon: C0 but tab and newline, DEL, C1, bidi overrides. */
const RAW_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const HOSTILE = '\x1b]0;pwned\x07\x1b[31mred\u202eevil\x9b31m';

const dirs: string[] = [];
const tmp = (files: Record<string, string>) => {
  const d = tmpTree(files);
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function expectNoStack(r: { stderr: string }) {
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toMatch(/internal error/);
}

describe('control characters from input are escaped in text output', () => {
  const policy = `apiVersion: json.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata:
  name: echo
spec:
  rules:
  - name: echo-region
    match:
      all:
      - kind: EffectiveValues
    assert:
      all:
      - message: "region {{ spec.values.region }} is not allowed"
        check:
          spec:
            values:
              region: eu-west-1
`;
  const submission = `apiVersion: clustermint.io/v1alpha1
kind: ClusterDeployment
metadata:
  name: dev-1
  namespace: team-a
spec:
  template: simulated-standalone-cp
  config:
    controlPlaneNumber: 1
    workersNumber: 0
    region: ${JSON.stringify(HOSTILE)}
`;

  it('a policy message quoting a value prints its escapes spelled out (check, text)', async () => {
    const d = tmp({ 'p.yaml': policy, 'cd.yaml': submission });
    const r = await run('check', '-f', join(d, 'cd.yaml'), '--policies', join(d, 'p.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'region \\u001b]0;pwned\\u0007\\u001b[31mred\\u202eevil\\u009b31m is not allowed',
    );
    expect(r.stdout).not.toMatch(RAW_CONTROLS);
    expect(r.stderr).not.toMatch(RAW_CONTROLS);
  });

  it('JSON output carries the value exactly (its encoder escapes it)', async () => {
    const d = tmp({ 'p.yaml': policy, 'cd.yaml': submission });
    const r = await run('check', '-f', join(d, 'cd.yaml'), '--policies', join(d, 'p.yaml'), '-o', 'json');
    const [verdict] = JSON.parse(r.stdout) as { violations: { message: string }[] }[];
    expect(verdict.violations.map((v) => v.message)).toContain(`region ${HOSTILE} is not allowed`);
  });

  it('an error message echoing an argument is escaped on stderr', async () => {
    const r = await run('get', `cd${HOSTILE}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown resource type "cd\\u001b]0;pwned\\u0007');
    expect(r.stderr).not.toMatch(RAW_CONTROLS);
  });

  it("commander's own messages (an unknown option) are escaped too", async () => {
    const r = await run('get', 'cd', `--x${HOSTILE}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option/);
    expect(r.stderr).not.toMatch(RAW_CONTROLS);
  });

  it('a key of the submission named in a template error is escaped', async () => {
    const chart = tmpChart('a: {{required "need it" Values.missing}}\n');
    dirs.push(chart);
    const d = tmp({ 'v.yaml': `${JSON.stringify(`k${HOSTILE}`)}: 1\n` });
    const r = await run('template', chart, '-f', join(d, 'v.yaml'), '--set', `x${HOSTILE}=1`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).not.toMatch(RAW_CONTROLS);
    expect(r.stdout).not.toMatch(RAW_CONTROLS);
  });
});

describe('echoed values are capped with their full size', () => {
  it('a 100 KB argument in an error prints 200 characters and the size', async () => {
    const big = 'y'.repeat(100_000);
    for (const args of [
      ['get', big],
      ['get', 'cd', '-o', big],
      ['apply', '-f', 'x.yaml', '--progress', big],
    ]) {
      const r = await run(...args);
      expect(r.code).toBe(2);
      expect(r.stderr.length).toBeLessThan(600);
      expect(r.stderr).toMatch(/y{150}… \(100,002 bytes\)/);
    }
  });

  it('any over-long line of an error is cut (the net under unclipped echoes)', async () => {
    const big = 'z'.repeat(150_000);
    const r = await run('check', '-f', big);
    expect(r.code).toBe(2);
    expect(r.stderr.length).toBeLessThan(2000);
    expect(r.stderr).toMatch(/… \([\d,]+ bytes\)/);
  });
});

describe('printing a map in a handlebars template is a located error', () => {
  it('{{dict "a" 1}} names file, line and column and says what to use', async () => {
    const chart = tmpChart('a: 1\nb: {{dict "a" 1}}\n');
    dirs.push(chart);
    const r = await run('template', chart);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/templates\/main\.yaml\.hbs:2:4: cannot print a map: use toYaml or toJson/);
    expectNoStack(r);
    expect(r.stderr).not.toMatch(/Cannot convert object to primitive value/);
  });

  it('a values map printed whole, inside a block, is located too', async () => {
    const chart = tmpChart('a: 1\n{{#if Values.name}}\nb: {{Values}}\n{{/if}}\n');
    dirs.push(chart);
    const r = await run('template', chart);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/templates\/main\.yaml\.hbs:3:4: cannot print a map/);
  });

  it('a list of maps is refused, a list of scalars and numbers still print', async () => {
    const bad = tmpChart('b: {{list (dict "a" 1)}}\n');
    const good = tmpChart(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: "{{list 1 2}}"\n  b: "{{add 1 2}}{{add 3 4}}"\n',
    );
    dirs.push(bad, good);
    const r = await run('template', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/main\.yaml\.hbs:1:4: cannot print a list that holds maps/);
    const ok = await run('template', good);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/ {2}a: "?1,2"?\n {2}b: "?37"?\n/);
  });
});

describe('a damaged state file is reported the same way by every command', () => {
  async function stateWithDeployment(): Promise<string> {
    const d = tmp({});
    const file = join(d, 'state.db');
    const store = openSqliteStore(file);
    await store.create({
      apiVersion: 'clustermint.io/v1alpha1',
      kind: 'ClusterDeployment',
      metadata: {
        name: 'dev-1',
        namespace: 'team-a',
        labels: { 'clustermint.io/cluster-deployment': 'dev-1' },
      },
      spec: { template: 'simulated-standalone-cp', config: {} },
    });
    await store.close();
    return file;
  }

  function damage(file: string, sql: string) {
    const db = new Database(file);
    db.prepare(sql).run();
    db.close();
  }

  const commands = (file: string) => [
    ['get', 'cd', '--state', file],
    ['get', 'cd', 'dev-1', '--state', file],
    ['get', 'cd', '-o', 'yaml', '--state', file],
    ['describe', 'cd', 'dev-1', '--state', file],
    ['delete', 'cd', 'dev-1', '--state', file],
  ];

  it('a row whose JSON is damaged: exit 2, the file named, no internal error', async () => {
    const file = await stateWithDeployment();
    damage(
      file,
      "UPDATE objects SET body = substr(body, 1, 20) || char(1) || substr(body, 21) WHERE kind = 'ClusterDeployment'",
    );
    for (const args of commands(file)) {
      const r = await run(...args);
      expect(r.stderr, args.join(' ')).toMatch(
        /state file .*state\.db: damaged: .*ClusterDeployment.* is not valid JSON/,
      );
      expect(r.stderr).toMatch(/restore it or start from a new file/);
      expect(r.code, args.join(' ')).toBe(2);
      expectNoStack(r);
    }
  });

  it('a row that is valid JSON but not an object, and damaged labels: the same', async () => {
    const file = await stateWithDeployment();
    damage(file, "UPDATE objects SET body = 'null' WHERE kind = 'ClusterDeployment'");
    const r = await run('get', 'cd', '--state', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/damaged: a stored ClusterDeployment is not an object/);
    const other = await stateWithDeployment();
    // (the label index refuses bad JSON: damage the row as a file edited behind SQLite's back would be)
    damage(other, 'DROP INDEX objects_by_label_0');
    damage(other, "UPDATE objects SET labels = '{bad' WHERE kind = 'ClusterDeployment'");
    const d = await run('describe', 'cd', 'dev-1', '--state', other);
    // describe lists by label: the labels column is read
    expect(d.stderr).toMatch(/damaged: the labels of a row are not valid JSON/);
    expect(d.code).toBe(2);
  });

  it('a file that is not a SQLite database: exit 2 from get and describe as from apply', async () => {
    const d = tmp({ 'state.db': 'this is not a database, just text'.repeat(200) });
    const file = join(d, 'state.db');
    for (const args of [...commands(file), ['apply', '-f', join(d, 'none.yaml'), '--state', file]]) {
      const r = await run(...args);
      if (args[0] === 'apply') continue; // apply fails on its missing input first
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/not a database|damaged/);
      expectNoStack(r);
    }
  });
});

describe('the live progress display', () => {
  it('writes its own cursor sequences raw but escapes what the lines hold', async () => {
    const { LiveLines } = await import('../../src/cli/apply-progress.js');
    let out = '';
    const live = new LiveLines(
      (t) => {
        out += t;
      },
      () => 200,
    );
    live.render(['team-a/dev-1  Provisioning  \x1b]0;pwned\x07 step\nfake line']);
    live.done(['team-a/dev-1  Ready  \u202eevil']);
    expect(out).toContain('\\u001b]0;pwned\\u0007 step\\u000afake line');
    expect(out).toContain('\\u202eevil');
    // only the display's own sequences remain: cursor up, carriage return, erase line
    const own = out.replace(/\x1b\[\d*A|\r\x1b\[2K|\n/g, '');
    expect(own).not.toMatch(RAW_CONTROLS);
  });
});
