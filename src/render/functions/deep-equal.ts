/** reflect.DeepEqual over an engine's values (sprig's deepEqual, uniq, has, without). */
import type { ValueModel } from './value-model.js';

export function deepEqual(model: ValueModel, a: unknown, b: unknown): boolean {
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
