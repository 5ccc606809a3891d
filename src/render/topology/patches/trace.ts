/**
 * The trace behind `--explain`: for each operation a patch applied, the object it lands in, and
 * whether it is kept (applied), dropped (outside what is copied back) or overwritten by the
 * topology controller (preserved).
 */
import type { JsonPatchOperation, OperationOrigin } from '../types.js';
import type { EngineItem } from './items.js';
import { fieldsOf } from './update-desired-state.js';

export interface TraceEntry {
  patch: string;
  definition: number;
  jsonPatch: number;
  op: string;
  /** The path in the template the patch addressed. */
  path: string;
  value?: unknown;
  /** The desired object the template belongs to. */
  target: { apiVersion: string; kind: string; name: string };
  /** Where the change lands in the object (JSON pointer), when it is copied back. */
  objectPath?: string;
  /** applied; discarded (outside what is copied back); preserved (a field the topology owns). */
  outcome: 'applied' | 'discarded' | 'preserved';
  reason?: string;
}

const pointerSegments = (p: string): string[] =>
  p === ''
    ? []
    : p
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
const toPointer = (segs: readonly string[]): string =>
  segs.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
const startsWith = (a: readonly string[], prefix: readonly string[]) =>
  prefix.length <= a.length && prefix.every((p, i) => a[i] === p);

function traceOutcome(item: EngineItem, path: string): Pick<TraceEntry, 'objectPath' | 'outcome' | 'reason'> {
  const segs = pointerSegments(path);
  const fields = fieldsOf(item);
  for (const [s, d] of fields) {
    if (!startsWith(segs, s)) continue;
    const objSegs = [...d, ...segs.slice(s.length)];
    const objectPath = toPointer(objSegs);
    const owner = item.preserve.find((p) => startsWith(objSegs, p) || startsWith(p, objSegs));
    if (owner)
      return {
        objectPath,
        outcome: 'preserved',
        reason: `${owner.join('.')} is set by the topology controller; the patched value is not used`,
      };
    return { objectPath, outcome: 'applied' };
  }
  const kept = fields.map(([s]) => s.join('.')).join(', ');
  return { outcome: 'discarded', reason: `only ${kept} of the template are copied to the object` };
}

/** Records the operations a patch applied to an item. */
export function traceOperations(
  trace: TraceEntry[],
  item: EngineItem,
  ops: readonly JsonPatchOperation[],
  origins: readonly OperationOrigin[],
): void {
  const target = item.target;
  for (const [i, op] of ops.entries()) {
    const origin = origins[i];
    const inMeta = pointerSegments(op.path);
    const keptByEngine =
      startsWith(inMeta, ['spec']) ||
      startsWith(inMeta, ['metadata', 'labels']) ||
      startsWith(inMeta, ['metadata', 'annotations']);
    trace.push({
      ...origin,
      op: op.op,
      path: op.path,
      ...(op.value !== undefined ? { value: op.value } : {}),
      target: { apiVersion: target.apiVersion, kind: target.kind, name: target.metadata.name ?? '' },
      ...(keptByEngine
        ? traceOutcome(item, op.path)
        : {
            outcome: 'discarded',
            reason: 'only spec, metadata.labels and metadata.annotations of a patched template are kept',
          }),
    });
  }
}
