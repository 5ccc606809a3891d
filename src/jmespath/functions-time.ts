/** kyverno's time functions (pkg/jp/kyverno/time.go). */
import { DurationError, formatDuration, parseDuration } from '../go/duration.js';
import {
  after,
  before,
  fields,
  formatRFC3339,
  type GoTime,
  goParseTime,
  now,
  RFC3339,
  TimeParseError,
  timeAdd,
  timeSub,
  timeTruncate,
} from '../go/time.js';
import { argTypeError, JpError } from './errors.js';
import { arg, type FunctionEntry } from './types.js';

function str(fn: string, args: unknown[], i: number): string {
  const v = args[i];
  if (typeof v !== 'string') throw argTypeError(fn, i + 1, 'string');
  return v;
}

function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TimeParseError || e instanceof DurationError) throw new JpError(e.message);
    throw e;
  }
}

const parse = (layout: string, value: string): GoTime => wrap(() => goParseTime(layout, value));
const timeArg = (fn: string, args: unknown[], i: number) => parse(RFC3339, str(fn, args, i));
const durationArg = (fn: string, args: unknown[], i: number) => wrap(() => parseDuration(str(fn, args, i)));

export const timeFunctions: FunctionEntry[] = [
  {
    name: 'time_since',
    args: [arg('string'), arg('string'), arg('string')],
    handler: (a) => {
      const layout = str('time_since', a, 0);
      const ts1 = str('time_since', a, 1);
      const ts2 = str('time_since', a, 2);
      const l = layout === '' ? RFC3339 : layout;
      const t1 = parse(l, ts1);
      const t2 = ts2 === '' ? now(false) : parse(l, ts2);
      return formatDuration(timeSub(t2, t1));
    },
  },
  { name: 'time_now', args: [], handler: () => formatRFC3339(now(false)) },
  { name: 'time_now_utc', args: [], handler: () => formatRFC3339(now(true)) },
  {
    name: 'time_to_cron',
    args: [arg('string')],
    handler: (a) => {
      const f = fields(timeArg('time_to_cron', a, 0));
      return `${f.minute} ${f.hour} ${f.day} ${f.month} ${f.weekday}`;
    },
  },
  {
    // Upstream reports its argument errors under the name time_to_cron.
    name: 'time_add',
    args: [arg('string'), arg('string')],
    handler: (a) => formatRFC3339(timeAdd(timeArg('time_to_cron', a, 0), durationArg('time_to_cron', a, 1))),
  },
  {
    name: 'time_parse',
    args: [arg('string'), arg('string')],
    handler: (a) => formatRFC3339(parse(str('time_parse', a, 0), str('time_parse', a, 1))),
  },
  {
    name: 'time_utc',
    args: [arg('string')],
    handler: (a) => formatRFC3339({ ...timeArg('time_utc', a, 0), offset: 0 }),
  },
  {
    name: 'time_diff',
    args: [arg('string'), arg('string')],
    handler: (a) => formatDuration(timeSub(timeArg('time_diff', a, 1), timeArg('time_diff', a, 0))),
  },
  {
    name: 'time_before',
    args: [arg('string'), arg('string')],
    handler: (a) => before(timeArg('time_before', a, 0), timeArg('time_before', a, 1)),
  },
  {
    name: 'time_after',
    args: [arg('string'), arg('string')],
    handler: (a) => after(timeArg('time_after', a, 0), timeArg('time_after', a, 1)),
  },
  {
    name: 'time_between',
    args: [arg('string'), arg('string'), arg('string')],
    handler: (a) => {
      const t = timeArg('time_between', a, 0);
      const start = timeArg('time_between', a, 1);
      const end = timeArg('time_between', a, 2);
      return after(t, start) && before(t, end);
    },
  },
  {
    name: 'time_truncate',
    args: [arg('string'), arg('string')],
    handler: (a) =>
      formatRFC3339(timeTruncate(timeArg('time_truncate', a, 0), durationArg('time_truncate', a, 1))),
  },
];
