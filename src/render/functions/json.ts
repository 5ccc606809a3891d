/**
 * encoding/json as sprig's toJson, toPrettyJson, toRawJson and fromJson use it: map keys sorted
 * byte-wise, `<`, `>` and `&` escaped unless raw, Go's error texts.
 */
import { goFloat } from '../../go/fmt.js';
import { goJsonParse } from '../../go/json.js';
import { sortedKeys } from '../../go/json-format.js';
import { chargeTree } from '../../util/work-budget.js';
import { fail } from './failure.js';
import { isNil, type ValueModel } from './value-model.js';

export interface JsonStyle {
  /** Escape `<`, `>` and `&` as \u003c... (json.Marshal); toRawJson does not. */
  escapeHtml: boolean;
  /** Indentation per level (toPrettyJson: two spaces), or "" for one line. */
  indent?: string;
}

export function toJson(model: ValueModel, v: unknown, style: JsonStyle): string {
  // a value that nests one map many times is printed in full: count it before building text
  chargeTree(v, (x) => {
    const items = model.listItems(x);
    if (items !== undefined) return items;
    const m = model.mapEntries(x);
    return m === undefined ? undefined : Object.values(m);
  });
  return encode(model, v, style.escapeHtml, style.indent ?? '', '');
}

function encode(model: ValueModel, v: unknown, escapeHtml: boolean, indent: string, prefix: string): string {
  if (isNil(v) || model.isNilCollection?.(v)) return 'null';
  if (typeof v === 'string') return jsonString(v, escapeHtml);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return jsonFloat(v);
  const int = model.intValue(v);
  if (int !== undefined) return int.toString();
  const inner = prefix + indent;
  const nl = indent ? `\n${inner}` : '';
  const end = indent ? `\n${prefix}` : '';
  const items = model.listItems(v);
  if (items !== undefined) {
    if (items.length === 0) return '[]';
    return `[${nl}${items.map((e) => encode(model, e, escapeHtml, indent, inner)).join(`,${nl}`)}${end}]`;
  }
  const m = model.mapEntries(v);
  if (m !== undefined) {
    const keys = sortedKeys(m);
    if (keys.length === 0) return '{}';
    const sep = indent ? ': ' : ':';
    return `{${nl}${keys
      .map((k) => `${jsonString(k, escapeHtml)}${sep}${encode(model, m[k], escapeHtml, indent, inner)}`)
      .join(`,${nl}`)}${end}}`;
  }
  const text = model.opaqueText(v);
  return text === undefined ? 'null' : jsonString(text, escapeHtml);
}

function jsonString(s: string, escapeHtml: boolean): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c < 0x20) {
      out +=
        ch === '\n'
          ? '\\n'
          : ch === '\r'
            ? '\\r'
            : ch === '\t'
              ? '\\t'
              : `\\u00${c.toString(16).padStart(2, '0')}`;
    } else if (escapeHtml && (ch === '<' || ch === '>' || ch === '&')) out += `\\u00${c.toString(16)}`;
    else if (c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16)}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return `${out}"`;
}

function jsonFloat(x: number): string {
  if (!Number.isFinite(x)) fail(`json: unsupported value: ${goFloat(x)}`);
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) return x.toExponential();
  return String(x);
}

/** json.Unmarshal into interface{}, with encoding/json's error texts (go/json.ts). */
export function parseJson(s: string): unknown {
  try {
    return goJsonParse(s);
  } catch (e) {
    return fail((e as Error).message);
  }
}
