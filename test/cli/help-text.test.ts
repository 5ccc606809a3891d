import { describe, expect, it } from 'vitest';
import { reflow } from '../../src/cli/help-text.js';
import { run } from '../helpers/cli.js';

describe('reflow', () => {
  it.each([
    ['one line', 'one line'],
    ['a sentence broken\nin the middle', 'a sentence broken in the middle'],
    ['First sentence.\nSecond one', 'First sentence.\nSecond one'],
    ['para one\n\npara two', 'para one\n\npara two'],
    ['a list:\n- one\n- two', 'a list:\n- one\n- two'],
    ['Examples\n  clustermint get cd', 'Examples\n  clustermint get cd'],
    ['ends with a colon:\nand goes on', 'ends with a colon: and goes on'],
  ])('%j becomes %j', (text, want) => {
    expect(reflow(text)).toBe(want);
  });
});

const COMMANDS = [
  'template',
  'render',
  'lint',
  'check',
  'apply',
  'plan',
  'get',
  'describe',
  'controller',
  'webhook',
  'scan',
];

describe('--help wraps its paragraphs once, at the width', () => {
  it.each(COMMANDS)(
    '%s --help: no line past 80 columns but examples, no hand break inside a sentence',
    async (cmd) => {
      const r = await run(cmd, '--help');
      expect(r.code).toBe(0);
      // a default said once: by commander, or by the text when commander is not given it
      expect(r.stdout.replace(/\s+/g, ' ')).not.toMatch(/\(default[^)]*\) \(default/);
      // examples are command lines, printed as written
      const wrapped = r.stdout.split(/\nExamples?:\n/)[0]!;
      for (const l of wrapped.split('\n')) expect(l.length, l).toBeLessThanOrEqual(80);
      // a ragged break: a short line in a paragraph, the next one going on with the same sentence
      const description = r.stdout.split('\n\n')[1]!.split('\n');
      for (let i = 0; i + 1 < description.length; i++) {
        const [line, next] = [description[i]!, description[i + 1]!];
        if (/[.:!?]$/.test(line) || /^\s|^[-*]/.test(next) || next === '') continue;
        expect(line.length + 1 + next.split(' ')[0]!.length, `${line}⏎${next}`).toBeGreaterThan(80);
      }
    },
  );

  it('get --help keeps the list of types together', async () => {
    const r = await run('get', '--help');
    expect(r.stdout).toMatch(/servicetemplates\s+\(svctmpl\)/);
    expect(r.stdout).not.toMatch(/servicetemplates\n\(svctmpl\)/);
  });
});
