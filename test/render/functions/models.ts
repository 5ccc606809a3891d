/** The two engines' value models, for tests that run a shared function under both. */
import { chartValueModel } from '../../../src/render/chart/value-model.js';
import { goValueModel } from '../../../src/render/gotemplate/value-model.js';

export const models = [
  ['chart', chartValueModel],
  ['go', goValueModel],
] as const;

export { chartValueModel, goValueModel };
