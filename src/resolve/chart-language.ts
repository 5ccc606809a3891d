/**
 * Which template language a chart folder speaks: handlebars (templates/*.hbs, clustermint's
 * own charts) or Go templates (a Helm chart as helm renders it). A folder with any .hbs
 * template is a handlebars chart; any other chart folder, and every packaged or remote chart,
 * is a Helm chart.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export type ChartLanguage = 'handlebars' | 'go';

function hasHbs(dir: string): boolean {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.hbs')) return true;
    if (entry.isDirectory() && hasHbs(join(dir, entry.name))) return true;
  }
  return false;
}

export function chartFolderLanguage(dir: string): ChartLanguage {
  const templates = join(dir, 'templates');
  return existsSync(templates) && hasHbs(templates) ? 'handlebars' : 'go';
}
