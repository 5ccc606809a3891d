/**
 * Rendered text -> objects. js-yaml parses here (about ten times faster than `yaml`, which we
 * keep for files a person wrote, where every position matters); a test checks both agree on
 * every built-in template. Strict: duplicate keys and tabs are errors; alias expansion, depth
 * and node count are bounded while copying into prototype-less maps.
 */
import jsyaml from 'js-yaml';
import { ClustermintError } from '../../util/errors.js';
import { checkTree, ExpansionBudget } from '../../util/expansion-budget.js';
import { LIMITS } from '../../util/limits.js';
import { isPlainObject, type PlainObject } from '../../util/plain-object.js';
import { CORE_WITH_MERGE } from '../../util/yaml-source.js';

export interface ParsedDocument {
  /** The template the document came from. */
  template: string;
  /** Index of the document within the template's output. */
  index: number;
  /** 1-based line in the rendered output where the document starts. */
  line: number;
  object: PlainObject;
  /** The document's rendered text, to locate a finding's line. */
  text: string;
}

/**
 * Parsed outputs by content: a template whose output did not change since an earlier render
 * (most of them, when one value changes) is not parsed again. Entries are deeply frozen, so a
 * shared result cannot be changed by whoever reads it.
 */
const parsed = new Map<string, readonly ParsedDocument[]>();
let parsedBytes = 0;
const CACHE_BYTES = 16 * 1024 * 1024;

/**
 * @param name the release name, when the caller knows it: outputs that differ only by the name
 *   (a new ClusterDeployment of the same values) then share one parse, see `parseRenamed`.
 */
export function parseRenderedTemplate(template: string, text: string, name?: string): ParsedDocument[] {
  const key = `${template}\0${text}`;
  const hit = parsed.get(key);
  if (hit) return hit as ParsedDocument[];
  if (name !== undefined && text.includes(name)) {
    const renamed = parseRenamed(template, text, name);
    if (renamed) return renamed;
  }
  const docs = parseUncached(template, text);
  remember(key, docs);
  return docs;
}

function remember(key: string, docs: ParsedDocument[]): void {
  for (const d of docs) Object.freeze(d);
  if (key.length < CACHE_BYTES / 16) {
    while (parsedBytes + key.length > CACHE_BYTES && parsed.size > 0) {
      const oldest = parsed.keys().next().value as string;
      parsed.delete(oldest);
      parsedBytes -= oldest.length;
    }
    parsed.set(key, Object.freeze(docs));
    parsedBytes += key.length;
  }
}

/**
 * Names for which parsing commutes with renaming. A DNS-1123 name has no YAML indicator, quote,
 * escape or space, so replacing it in the text by another such string of the same length keeps
 * every token, line and column. The stand-in (`zzz...`) makes every plain scalar that holds it a
 * string under the core schema (no null, bool, int, float or .inf/.nan has a `z`); the real name
 * does too when it has one of the letters g h j k m p q v w y z (STRING_LETTER), and then keys
 * that hold it cannot be array indices (which would reorder keys) either. A name without such a
 * letter (`c12`, `dev-01`) is checked instead: every string and key the renaming changed must
 * still read as a string (no implicit type of the schema resolves it), else the text is parsed.
 */
const RENAMEABLE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const STRING_LETTER = /[ghjkmpqvwyz]/;

/** Implicit types of the parse schema: a plain scalar one of them resolves is not a string. */
const IMPLICIT_TYPES = (CORE_WITH_MERGE as unknown as { compiledImplicit: jsyaml.Type[] }).compiledImplicit;

/** Whether js-yaml would read this text, written as a plain scalar, as a string. */
function readsAsString(text: string): boolean {
  for (const t of IMPLICIT_TYPES) if (t.resolve?.(text)) return false;
  return true;
}

/** Thrown by `renamed` when a renamed string might not read as a string: parse the text instead. */
class NotRenameable extends Error {}

/**
 * The parse of `text` from the parse of the same text with the name replaced by a stand-in of
 * its length (`zzz...`), renamed back: a new name with the same values costs a string replace
 * and a copy instead of a YAML parse. Undefined (parse normally) when the name is not
 * RENAMEABLE, when the stand-in already occurs in the text or the replacement is not exactly
 * reversible, when the stand-in text does not parse (so errors quote the real text), and when a
 * renamed string might read as another type.
 */
function parseRenamed(template: string, text: string, name: string): ParsedDocument[] | undefined {
  if (name.length < 3 || !RENAMEABLE.test(name)) return undefined;
  const standIn = 'z'.repeat(name.length);
  if (text.includes(standIn)) return undefined;
  const neutral = text.replaceAll(name, standIn);
  if (neutral.replaceAll(standIn, name) !== text) return undefined;
  const key = `${template}\0${neutral}`;
  let docs = parsed.get(key) as ParsedDocument[] | undefined;
  if (!docs) {
    try {
      docs = parseUncached(template, neutral);
    } catch (e) {
      if (e instanceof ClustermintError) return undefined;
      throw e;
    }
    remember(key, docs);
  }
  const check = !STRING_LETTER.test(name);
  const rename = (v: unknown): unknown => renamed(v, standIn, name, check);
  try {
    return docs.map((d) =>
      Object.freeze({
        ...d,
        object: rename(d.object) as PlainObject,
        text: d.text.replaceAll(standIn, name),
      }),
    );
  } catch (e) {
    if (e instanceof NotRenameable) return undefined;
    throw e;
  }
}

/**
 * Whether a (frozen, cached) parsed subtree holds the stand-in it was parsed with, in a string
 * or a key. A subtree without it is shared by every renamed copy instead of copied. Each parsed
 * tree comes from one neutral text, so from one stand-in: the answer never changes.
 */
const holdsStandIn = new WeakMap<object, boolean>();

function holds(v: object, from: string): boolean {
  const known = holdsStandIn.get(v);
  if (known !== undefined) return known;
  let found = false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length && !found; i++) found = holdsValue(v[i], from);
  } else {
    const src = v as PlainObject;
    for (const k of Object.keys(src)) {
      if (k.includes(from) || holdsValue(src[k], from)) {
        found = true;
        break;
      }
    }
  }
  holdsStandIn.set(v, found);
  return found;
}

function holdsValue(v: unknown, from: string): boolean {
  if (typeof v === 'string') return v.includes(from);
  return v !== null && typeof v === 'object' && holds(v, from);
}

/**
 * A frozen copy of a parsed tree with `from` replaced by `to` in every string and key; subtrees
 * without `from` are shared. With `check`, a changed string or key that might not read as a
 * string throws NotRenameable.
 */
function renamed(v: unknown, from: string, to: string, check: boolean): unknown {
  if (typeof v === 'string') {
    if (!v.includes(from)) return v;
    const out = v.replaceAll(from, to);
    if (check && !readsAsString(out)) throw new NotRenameable();
    return out;
  }
  if (v === null || typeof v !== 'object' || !holds(v, from)) return v;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = renamed(v[i], from, to, check);
    return Object.freeze(out);
  }
  const src = v as PlainObject;
  const out: PlainObject = {};
  for (const k of Object.keys(src)) {
    let key = k;
    if (k.includes(from)) {
      key = k.replaceAll(from, to);
      if (check && !readsAsString(key)) throw new NotRenameable();
    }
    const value = renamed(src[k], from, to, check);
    // `__proto__` is defined, never assigned: it stays a plain own key, as js-yaml made it
    if (key === '__proto__')
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return Object.freeze(out);
}

/** A document body with nothing but blank lines and comments renders no object. */
function isBlank(body: string): boolean {
  const first = body.search(/\S/);
  if (first < 0) return true;
  if (body[first] !== '#') return false; // the usual case: no need to strip comments
  return !/\S/.test(body.replace(/^\s*#.*$/gm, ''));
}

const SEPARATOR = /^---(?:[ \t].*)?$/gm;

function parseUncached(template: string, text: string): ParsedDocument[] {
  const out: ParsedDocument[] = [];
  let index = 0;
  let bodyStart = 0; // offset of the current document's first character
  let line = 1; // its first line
  const flush = (bodyEnd: number) => {
    const body = text.slice(bodyStart, bodyEnd);
    if (!isBlank(body)) {
      const object = parseDocument(template, body, line);
      if (object !== undefined) out.push({ template, index, line, object, text: body });
    }
    index++;
  };
  SEPARATOR.lastIndex = 0;
  for (let m = SEPARATOR.exec(text); m; m = SEPARATOR.exec(text)) {
    flush(m.index === 0 ? 0 : m.index - 1);
    line += countLines(text, bodyStart, m.index) + 1;
    bodyStart = Math.min(text.length, m.index + m[0].length + 1);
  }
  flush(text.length);
  return out;
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function parseDocument(template: string, body: string, firstLine: number): PlainObject | undefined {
  let raw: unknown;
  try {
    raw = jsyaml.load(body, {
      schema: CORE_WITH_MERGE,
      filename: template,
      maxDepth: LIMITS.maxDepth,
    } as jsyaml.LoadOptions);
  } catch (e) {
    const err = e as jsyaml.YAMLException;
    const line = err.mark ? firstLine + err.mark.line : firstLine;
    const col = err.mark ? err.mark.column + 1 : undefined;
    const excerpt = body.split('\n')[err.mark?.line ?? 0];
    throw new ClustermintError(
      'YAML_SYNTAX',
      `rendered output is not valid YAML: ${err.reason ?? err.message}`,
      { file: `${template} (rendered)`, line, col },
      excerpt !== undefined ? [excerpt, `${' '.repeat(Math.max(0, (col ?? 1) - 1))}^`] : [],
    );
  }
  if (raw === null || raw === undefined) return undefined;
  const where = { file: `${template} (rendered)`, line: firstLine };
  const value = copyBounded(raw, where);
  if (!isPlainObject(value)) {
    throw new ClustermintError(
      'OBJECT_INVALID',
      'a rendered document must be a Kubernetes object (a map)',
      where,
    );
  }
  return value;
}

/**
 * Bounds alias expansion (nodes and text) and depth. js-yaml builds ordinary objects (ajv's
 * deep-equal needs Object.prototype) and defines a `__proto__` key as an own data key, so the
 * tree is kept as it is: walked once (which also stops a self-referencing alias), and frozen.
 */
function copyBounded(root: unknown, where: { file: string; line: number }): unknown {
  checkTree(root, new ExpansionBudget(where), where, (o) => Object.freeze(o));
  return root;
}
