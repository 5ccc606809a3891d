/**
 * What the kind readers (services.ts, service-spec.ts) report: every problem of an object, each
 * with its JSON path (`$.spec.serviceSpec.services[1].name`), instead of stopping at the first.
 * A hostile document cannot make the list unbounded: past MAX_PROBLEMS one last entry counts the
 * rest.
 */
import { formatPath, type PathSegment } from '../util/json-path.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';

export interface ReadProblem {
  path: string;
  message: string;
  /** The problem is the key itself (an unknown field): point at the key, not its value. */
  atKey?: boolean;
}

/** A reader's answer: the typed value with defaults applied, or every problem found. */
export type ReadResult<T> = { spec: T } | { problems: ReadProblem[] };

export const MAX_PROBLEMS = 50;

export class Problems {
  readonly list: ReadProblem[] = [];
  private dropped = 0;

  add(path: readonly PathSegment[], message: string, atKey = false): void {
    if (this.list.length < MAX_PROBLEMS)
      this.list.push({ path: formatPath(path), message, ...(atKey ? { atKey } : {}) });
    else this.dropped++;
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  /** `{ spec }` when nothing was reported, else the problems (and how many were left out). */
  result<T>(spec: T): ReadResult<T> {
    if (this.empty) return { spec };
    const out = [...this.list];
    if (this.dropped > 0) out.push({ path: '$', message: `and ${this.dropped} more problems` });
    return { problems: out };
  }

  /** Reports keys of `obj` outside `known` (and names the ones clustermint does not support). */
  unknownKeys(
    obj: PlainObject,
    path: readonly PathSegment[],
    known: ReadonlySet<string>,
    unsupported: ReadonlySet<string> = new Set(),
  ): void {
    for (const k of Object.keys(obj)) {
      if (known.has(k)) continue;
      this.add(
        [...path, k],
        unsupported.has(k) ? `${k} is not supported by clustermint` : `unknown field ${k}`,
        true,
      );
    }
  }

  /** A map at `path`, or a problem (and undefined). */
  map(v: unknown, path: readonly PathSegment[], what = 'a map'): PlainObject | undefined {
    if (isPlainObject(v)) return v;
    this.add(path, `must be ${what}`);
    return undefined;
  }

  /** An optional string: undefined when absent, a problem when not a string. */
  optString(v: unknown, path: readonly PathSegment[]): string | undefined {
    if (v === undefined) return undefined;
    if (typeof v === 'string') return v;
    this.add(path, 'must be a string');
    return undefined;
  }

  /** An optional boolean: undefined when absent, a problem when not a boolean. */
  optBoolean(v: unknown, path: readonly PathSegment[]): boolean | undefined {
    if (v === undefined) return undefined;
    if (typeof v === 'boolean') return v;
    this.add(path, 'must be a boolean (true or false)');
    return undefined;
  }

  /** An optional list, at most `max` long: undefined when absent or wrong. */
  optList(v: unknown, path: readonly PathSegment[], max: number): unknown[] | undefined {
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) {
      this.add(path, 'must be a list');
      return undefined;
    }
    if (v.length > max) {
      this.add(path, `at most ${max} entries (got ${v.length})`);
      return undefined;
    }
    return v;
  }
}
