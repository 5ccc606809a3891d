/** Go's `path` package (slash-separated on every OS, as sprig's path functions on Linux). */
import { goCleanPath } from '../../go/misc.js';

/** path.Clean: lexical, slash-separated. */
export const cleanPath = goCleanPath;

/** path.Dir: everything but the last element, cleaned. */
export function dirPath(p: string): string {
  return cleanPath(p.slice(0, p.lastIndexOf('/') + 1));
}

/** path.Base: the last element. */
export function basePath(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** path.Ext: the extension of the last element, dot included. */
export function extPath(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

export const isAbsPath = (p: string): boolean => p.startsWith('/');
