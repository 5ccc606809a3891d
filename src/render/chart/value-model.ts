/**
 * The chart engine's values as the shared template functions see them: JSON values (from YAML
 * values and handlebars literals), every number a JS number, printed as Go prints an int or a
 * float64 (`3`, `3.5`). Handlebars' missing values are `undefined`, Go's nil.
 */
import { goString, goTypeName } from '../../go/fmt.js';
import { isPlainObject } from '../../util/plain-object.js';
import type { ValueModel } from '../functions/value-model.js';

export const chartValueModel: ValueModel = {
  text: goString,
  typeName: goTypeName,
  listItems: (v) => (Array.isArray(v) ? v : undefined),
  mapEntries: (v) => (isPlainObject(v) ? v : undefined),
  intValue: () => undefined,
  opaqueText: () => undefined,
};
