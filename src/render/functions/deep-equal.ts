/** reflect.DeepEqual over an engine's values (sprig's deepEqual, uniq, has, without). */
import { chargeNode } from '../../util/work-budget.js';
import type { ValueModel } from './value-model.js';

/**
 * Each pair of nodes compared is a step of the running template (two maps that hold one map
 * twice, nested 40 times, are small to build and 2^40 pairs to compare).
 */
export function deepEqual(model: ValueModel, a: unknown, b: unknown): boolean {
  chargeNode();
  if (a === b) return true;
  if (model.typeName(a) !== model.typeName(b)) return false;
  const ia = model.intValue(a);
  if (ia !== undefined) return ia === model.intValue(b);
  const la = model.listItems(a);
  if (la !== undefined) {
    const lb = model.listItems(b)!;
    return la.length === lb.length && la.every((e, i) => deepEqual(model, e, lb[i]));
  }
  const ma = model.mapEntries(a);
  if (ma !== undefined) {
    const mb = model.mapEntries(b)!;
    const keys = Object.keys(ma);
    return (
      keys.length === Object.keys(mb).length &&
      keys.every((k) => Object.hasOwn(mb, k) && deepEqual(model, ma[k], mb[k]))
    );
  }
  return false;
}
