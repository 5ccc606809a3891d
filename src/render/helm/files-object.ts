/**
 * `.Files`: a chart's non-template files as Helm's engine serves them (a map of name to bytes
 * with Get, GetBytes, Glob, Lines, AsConfig, AsSecrets). Only the chart's own files are in it:
 * an unknown name is empty, as in Helm; a name that leaves the chart (absolute, or `..` above
 * its root) is an error here (Helm answers empty), since no chart means one.
 */
import { emptyMap, setOwn } from '../../util/plain-object.js';
import { type GoFunc, GoFuncError, GoInt, GoMap, GoSlice } from '../gotemplate/index.js';
import type { HelmFile } from './chart.js';
import { helmToYaml } from './functions.js';

const decoder = new TextDecoder();

/** Go's []byte in the template value model. */
function bytesValue(data: Uint8Array): GoSlice {
  return new GoSlice(
    'uint8',
    Array.from(data, (b) => new GoInt('uint8', BigInt(b))),
  );
}

/** path.Base */
function base(name: string): string {
  const trimmed = name.replace(/\/+$/, '');
  if (trimmed === '') return name === '' ? '.' : '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/**
 * gobwas/glob with '/' as separator: `*` and `?` stay within a path segment, `**` crosses them,
 * `[abc]`, `[!a-z]` and `{a,b}` as usual. Returns undefined for a pattern it cannot compile
 * (Helm then matches everything with `**`).
 */
export function compileGlob(pattern: string): RegExp | undefined {
  let re = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      if (i + 1 >= pattern.length) return undefined;
      re += escapeRe(pattern[++i]!);
    } else if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) return undefined;
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      if (body === '') return undefined;
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else if (c === '{') {
      depth++;
      re += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      re += ')';
    } else if (c === ',' && depth > 0) re += '|';
    else re += escapeRe(c);
  }
  if (depth !== 0) return undefined;
  try {
    return new RegExp(`^${re}$`, 's');
  } catch {
    return undefined;
  }
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Helm's toYAML of a map[string]string: sigs.k8s.io/yaml, last newline trimmed. */
function yamlOfStrings(m: Record<string, string>): string {
  const obj = emptyMap();
  for (const [k, v] of Object.entries(m)) setOwn(obj, k, v);
  return helmToYaml(obj);
}

/** A path that points outside the chart: absolute, or climbing above its root. */
function leavesChart(name: string): boolean {
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name)) return true;
  let depth = 0;
  for (const part of name.split(/[\\/]/)) {
    if (part === '..') depth--;
    else if (part !== '' && part !== '.') depth++;
    if (depth < 0) return true;
  }
  return false;
}

function inChart(method: string, name: string): string {
  if (leavesChart(name)) {
    throw new GoFuncError(`.Files.${method} ${JSON.stringify(name)}: the path is outside the chart`);
  }
  return name;
}

export class FilesObject extends GoMap {
  constructor(private readonly files: ReadonlyMap<string, Uint8Array>) {
    const entries = emptyMap();
    for (const [name, data] of files) setOwn(entries, name, bytesValue(data));
    super('[]uint8', entries);
  }

  static of(files: readonly HelmFile[]): FilesObject {
    return new FilesObject(new Map(files.map((f) => [f.name, f.data])));
  }

  private text(name: string): string {
    const data = this.files.get(name);
    return data ? decoder.decode(data) : '';
  }

  override methods(): Record<string, GoFunc> {
    return {
      Get: { params: ['string'], fn: (name: string) => this.text(inChart('Get', name)) },
      GetBytes: {
        params: ['string'],
        fn: (name: string) => bytesValue(this.files.get(inChart('GetBytes', name)) ?? new Uint8Array()),
      },
      Glob: {
        params: ['string'],
        fn: (pattern: string) => {
          const g = compileGlob(pattern) ?? /^.*$/s;
          return new FilesObject(new Map([...this.files].filter(([name]) => g.test(name))));
        },
      },
      AsConfig: {
        params: [],
        fn: () => {
          const m: Record<string, string> = {};
          for (const name of this.files.keys()) m[base(name)] = this.text(name);
          return this.files.size === 0 ? '{}' : yamlOfStrings(m);
        },
      },
      AsSecrets: {
        params: [],
        fn: () => {
          const m: Record<string, string> = {};
          for (const [name, data] of this.files) m[base(name)] = Buffer.from(data).toString('base64');
          return this.files.size === 0 ? '{}' : yamlOfStrings(m);
        },
      },
      Lines: {
        params: ['string'],
        fn: (name: string) => {
          const data = this.files.get(inChart('Lines', name));
          if (!data || data.length === 0) return new GoSlice('string', []);
          let s = decoder.decode(data);
          if (s.endsWith('\n')) s = s.slice(0, -1);
          return new GoSlice('string', s.split('\n'));
        },
      },
    };
  }
}
