import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A fresh temporary folder with the given files (path -> content). */
export function tmpTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'clustermint-test-'));
  for (const [p, content] of Object.entries(files)) {
    const full = join(root, p);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}

/** A minimal chart with one template; `extra` adds or replaces files. */
export function tmpChart(template: string, extra: Record<string, string> = {}): string {
  return tmpTree({
    'Chart.yaml': 'name: demo\nversion: 0.1.0\ndescription: test chart\n',
    'values.yaml': 'name: x\n',
    'templates/main.yaml.hbs': template,
    ...extra,
  });
}
