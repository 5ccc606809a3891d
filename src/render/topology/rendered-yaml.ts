/**
 * The output of a `valueFrom.template` (or `enabledIf`) read as Cluster API reads it:
 * sigs.k8s.io/yaml's Unmarshal into a JSON value, that is go-yaml v2 (YAML 1.1: `yes`/`on` are
 * booleans, timestamps stay text) and then JSON. Two go-yaml v2 behaviours the `yaml` package
 * does not share are restated here:
 *
 * - **One document.** Unmarshal decodes the first document and stops (what follows a `---` is not
 *   read). After a complete top-level
 *   node that can end on its own line position (a flow collection, a quoted scalar), whatever
 *   follows is the start of a next, implicit document that is never parsed, provided its first
 *   token scans: `[one]-<no value>` reads as `["one"]`, `{a: 1} b` as `{"a": 1}`; a tab at the start
 *   of the next line or an unclosed quote there is an error.
 * - **Keys are scalars.** A mapping key that is a sequence or mapping (`[a]: b`) is an error
 *   (`invalid map key`), not a stringified key.
 */
import { isCollection, isMap, parseDocument, type Tags, visit } from 'yaml';
import { BoundedCache } from '../../util/bounded-cache.js';
import { cloneTree } from '../../util/plain-object.js';

// YAML 1.1 words that are not strings (go-yaml v2): a plain word outside this set is a string.
const YAML11_WORDS =
  /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;
const PLAIN_WORD = /^[A-Za-z_][A-Za-z0-9._/+@-]*$/;
const parsedOutputs = new BoundedCache<string, unknown>(2000);

const TIMESTAMP_TAG = 'tag:yaml.org,2002:timestamp';
const withoutTimestamps = (tags: Tags): Tags =>
  tags.filter((t) => (typeof t === 'string' ? t !== 'timestamp' : t.tag !== TIMESTAMP_TAG));

const OPTIONS = {
  version: '1.1',
  uniqueKeys: false,
  // A timestamp stays the text it is: Cluster API reads the output into JSON values, where
  // `creationTimestamp: 2025-01-01T00:00:00Z` is a string (a Date here became `{}`).
  customTags: withoutTimestamps,
} as const;

const goJson = (v: unknown): string => JSON.stringify(v) ?? 'null';

class RenderedYamlError extends Error {}

/**
 * Whether go-yaml's scanner reads the first token of `rest` (the text after the first document's
 * root node): spaces, comments and line breaks are skipped, and a tab only before the first line
 * break (after one it cannot start a token); a quoted scalar must be closed.
 */
function nextTokenScans(rest: string): boolean {
  let i = 0;
  let newLine = false;
  while (i < rest.length) {
    const c = rest[i];
    if (c === ' ') i++;
    else if (c === '\t') {
      if (newLine) return false;
      i++;
    } else if (c === '\n' || c === '\r') {
      newLine = true;
      i++;
    } else if (c === '#') {
      while (i < rest.length && rest[i] !== '\n') i++;
    } else break;
  }
  const quote = rest[i];
  if (quote === "'") return /^'(?:[^']|'')*'/.test(rest.slice(i));
  if (quote === '"') return /^"(?:[^"\\]|\\[\s\S])*"/.test(rest.slice(i));
  return true;
}

function parseFirstDocument(out: string): unknown {
  const doc = parseDocument(out, OPTIONS);
  const [error] = doc.errors;
  if (error && error.code === 'MULTIPLE_DOCS') {
    // an explicit `---` starts the next document: go-yaml never reads it
    return parseFirstDocument(out.slice(0, error.pos[0]));
  }
  if (error) {
    // go-yaml stops after the first document: content past a complete root node is a next one
    const end = doc.contents?.range[1];
    if (
      error.code === 'UNEXPECTED_TOKEN' &&
      error.message.includes('at node end') &&
      end !== undefined &&
      end <= error.pos[0] &&
      nextTokenScans(out.slice(end))
    )
      return parseFirstDocument(out.slice(0, end));
    throw new RenderedYamlError(error.message.split('\n')[0]);
  }
  visit(doc, {
    Pair(_, pair) {
      if (isCollection(pair.key))
        throw new RenderedYamlError(
          `invalid map key: a ${isMap(pair.key) ? 'mapping' : 'sequence'} cannot be a key`,
        );
    },
  });
  const v = doc.toJS({ maxAliasCount: 100 });
  return v === undefined ? null : v;
}

/** The rendered text as a JSON value; plain words skip the parser, other outputs are cached. */
export function readRenderedYaml(out: string): unknown {
  const trimmed = out.trim();
  if (PLAIN_WORD.test(trimmed) && !YAML11_WORDS.test(trimmed)) return trimmed;
  const known = parsedOutputs.get(out);
  if (known !== undefined) return cloneTree(known);
  let v: unknown;
  try {
    v = parseFirstDocument(out);
  } catch (e) {
    throw new Error(
      `failed to unmarshal rendered template: ${goJson(out)}: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  parsedOutputs.set(out, v);
  return cloneTree(v);
}
