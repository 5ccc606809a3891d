/**
 * Positions of a plain YAML document's nodes from js-yaml's own reading of it, for locating
 * findings. The `yaml` package (NodeFinder in yaml-source.ts) knows every position but reads a
 * small document ten times slower than js-yaml; a `check` of 1,000 submissions spent a fifth of
 * its time there, since every verdict points at its submission. js-yaml tells a `listener` where
 * each node opens and closes, in document order (a map's key, then its value), which is enough to
 * rebuild where each node starts for the documents people write: block and flow maps and lists of
 * scalars with plain or simply quoted keys.
 *
 * Anything past that returns undefined and the caller uses `yaml`: anchors, aliases, tags, merge
 * keys, explicit keys, block scalars, tabs, a key that is not a plain word or a quoted string
 * without escapes (a number, `True`, `~`: their text and their value differ), an empty value
 * (js-yaml does not say where it is). The answers equal NodeFinder's
 * (test/util/yaml-event-positions.test.ts compares them on every node of the repository's YAML).
 */
import jsyaml from 'js-yaml';
import { plainKeyV2 } from '../go/yaml-scalars.js';
import type { PathSegment } from './json-path.js';

export interface Position {
  line: number;
  col: number;
}

/** Where the node at a path is (or its nearest ancestor that exists); `atKey`: its map key. */
export interface PositionFinder {
  locate(path: readonly PathSegment[], atKey?: boolean): Position | undefined;
}

interface PositionNode {
  /** Offset of the node's first character in the text. */
  start: number;
  /** A map's keys (text, key start, value node), first one kept. */
  keys?: Map<string, { keyStart: number; value: PositionNode }>;
  items?: PositionNode[];
}

/** What this reader does not model (see above); a document holding any of it goes to `yaml`. */
const UNMODELLED = /(?:^|[\s[{,:])[&*!?]|<<|[\t\r]|(?:^|[\s:-])[|>][-+0-9]*[ ]*(?:#.*)?$|\\/m;
const PLAIN_KEY = /^[A-Za-z_$][\w$./-]*$/;

/** Past spaces, line breaks and comments from `pos`. */
function skipBlank(text: string, pos: number): number {
  let i = pos;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10) i++;
    else if (c === 35 /* # */) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol;
    } else break;
  }
  return i;
}

/** The document's positions, or undefined when it holds what this reader does not model. */
export function eventPositions(text: string, lineOffset = 0): PositionFinder | undefined {
  if (UNMODELLED.test(text)) return undefined;
  interface Frame {
    open: number;
    children: Array<{ node: PositionNode; kind: string; result: unknown; open: number; close: number }>;
  }
  const stack: Frame[] = [{ open: 0, children: [] }];
  let simple = true;
  try {
    jsyaml.load(text, {
      schema: jsyaml.CORE_SCHEMA,
      listener(event, state) {
        if (!simple) return;
        if (event === 'open') {
          stack.push({ open: state.position, children: [] });
          return;
        }
        const frame = stack.pop();
        const parent = stack[stack.length - 1];
        if (!frame || !parent) {
          simple = false;
          return;
        }
        const start = skipBlank(text, frame.open);
        const close = state.position;
        // js-yaml reads some nodes (a flow list as a block list's item) through a second, nested
        // call that opens at the same place: one node, not a list holding itself
        const only = frame.children.length === 1 ? frame.children[0] : undefined;
        if (only && only.open === frame.open && only.result === state.result && only.kind === state.kind) {
          parent.children.push({ ...only, close });
          return;
        }
        const node: PositionNode = { start };
        if (state.kind === 'mapping') {
          if (frame.children.length % 2 !== 0) simple = false;
          node.keys = new Map();
          for (let i = 0; i + 1 < frame.children.length; i += 2) {
            const k = frame.children[i];
            const raw = text.slice(k.node.start, k.close).trimEnd();
            const quoted = /^(?:"[^"]*"|'[^']*')$/.test(raw);
            if (typeof k.result !== 'string' || (!quoted && !(PLAIN_KEY.test(raw) && raw === k.result))) {
              simple = false;
              break;
            }
            // the key as the input reader (go-yaml v2) makes it: `on:` is the key "true"
            const key = quoted ? k.result : plainKeyV2(raw);
            if (!node.keys.has(key))
              node.keys.set(key, { keyStart: k.node.start, value: frame.children[i + 1].node });
          }
        } else if (state.kind === 'sequence') {
          node.items = frame.children.map((c) => c.node);
        } else if (start >= close) {
          simple = false; // an empty value: js-yaml does not say where it is
        }
        parent.children.push({ node, kind: state.kind, result: state.result, open: frame.open, close });
      },
    } as jsyaml.LoadOptions);
  } catch {
    return undefined;
  }
  const root = stack[0]?.children;
  if (!simple || stack.length !== 1 || root.length !== 1) return undefined;
  const rootNode = root[0].node;

  // line starts, for offset -> line and column
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const at = (offset: number): Position => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1 + lineOffset, col: offset - lineStarts[lo] + 1 };
  };

  return {
    locate(path, atKey = false) {
      let node = rootNode;
      let found = at(node.start);
      for (const [i, seg] of path.entries()) {
        let next: PositionNode | undefined;
        if (node.keys) {
          const entry = node.keys.get(String(seg));
          if (atKey && i === path.length - 1 && typeof seg === 'string' && entry) return at(entry.keyStart);
          next = entry?.value;
        } else if (node.items) {
          const index = typeof seg === 'number' ? seg : /^(0|[1-9][0-9]*)$/.test(seg) ? Number(seg) : -1;
          next = index >= 0 ? node.items[index] : undefined;
        }
        if (next === undefined) break;
        node = next;
        found = at(node.start);
      }
      return found;
    },
  };
}
