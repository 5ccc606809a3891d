/**
 * Functions of sprig's hermetic map that clustermint does not run: present, so templates parse
 * as in Go, and failing when called with `sprig function NAME is not supported by clustermint
 * (REASON)`.
 */
import { type GoFunc, GoFuncError } from './values.js';

/** Functions of sprig's hermetic map that clustermint does not run, and why. */
export const UNSUPPORTED: Record<string, string> = {
  ago: 'reads the clock',
  duration: 'time values are not modelled',
  durationRound: 'time values are not modelled',
  toDate: 'time values are not modelled',
  mustToDate: 'time values are not modelled',
  unixEpoch: 'time values are not modelled',
  must_date_modify: 'time values are not modelled',
  mustDateModify: 'time values are not modelled',
  randInt: 'random',
  shuffle: 'random',
  bcrypt: 'random salt',
  htpasswd: 'random salt',
  genPrivateKey: 'random',
  derivePassword: 'not implemented',
  buildCustomCert: 'not implemented',
  genCA: 'random',
  genCAWithKey: 'random',
  genSelfSignedCert: 'random',
  genSelfSignedCertWithKey: 'random',
  genSignedCert: 'random',
  genSignedCertWithKey: 'random',
  encryptAES: 'random IV',
  decryptAES: 'not implemented',
  urlParse: 'not implemented',
  urlJoin: 'not implemented',
  snakecase: 'not implemented',
  camelcase: 'not implemented',
  kebabcase: 'not implemented',
  swapcase: 'not implemented',
  wrap: 'not implemented',
  wrapWith: 'not implemented',
  abbrev: 'not implemented',
  abbrevboth: 'not implemented',
  deepCopy: 'not implemented',
  mustDeepCopy: 'not implemented',
};

export function unsupportedFunction(name: string, reason: string): GoFunc {
  return {
    params: [],
    variadic: 'any',
    fn: () => {
      throw new GoFuncError(`sprig function ${name} is not supported by clustermint (${reason})`);
    },
  };
}
