import { describe, expect, it } from 'vitest';
import { parseAnyDateTime } from '../../../shared/schema/dateutil-parse.js';
import { hasPythonModule, runPythonJson } from '../../helpers/python.js';

/**
 * `format: any` is dateutil.parser.parse in frictionless-py: our port must accept the same
 * strings and read the same date and time from them. Missing parts default to today in both.
 */
const SAMPLES = [
  '10th Jan 1969', 'Jan 10 1969', '10 January 1969', 'Friday, 10 January 1969', 'Jan 2020', 'January of 2020', 'Sept 5 2001', 'sep.20.2009',
  '2019-01-01', '1969-01-10', '01/02/2019', '1.2.2019', '20190102', '2019/01/02', '2019-1-2', '1/2/19', '31/12/2019', '12/31/2019', '2019-12', '12-2019', '99', '2019',
  '06:00:00Z', '6:00', '6pm', '18:30:15', '6:00 AM', '10:20:30+01:00', '10:20:30.123456', '10:20:30,5', '12am', '12 pm', '10h30', '10 h', '5 minutes', '3h15m', '0630', '063015',
  '2019-01-01 10:00', '10th Jan 1969 6pm', 'Jan 1 2020 10:00 PM', '2019-01-01T10:00:00Z', 'Thu, 01 Jan 2020 10:00:00 +0000', '2019-01-01T10:00:00-05:30', '2019-01-01 10:00 UTC+3', '20190101T1030', '201901011030', '20190101103015', '2019-01-01 10:00:00 EST', 'Monday', 'Mon 10:00',
  'not a date', '2019-13-45', '32 Jan 2019', 'Janu 2019', 'noon-ish', '25:00', '10:61', 'yesterday', '2019-01-01 25:00', '13/13/2019', '', ' ', 'at', '1 2 3 4', '13pm', 'pm', 'inf', 'nan', '1e5', '2019-02-29', '2020-02-29', 'Feb 30 2020', '0000-01-01', '10:20:60',
];

describe('dateutil.parser.parse port', () => {
  const available = hasPythonModule('dateutil');
  it.skipIf(!available)('accepts and reads the same strings as dateutil 2.9', () => {
    const script = `
import json, sys, warnings
warnings.simplefilter("ignore")
from dateutil import parser
out = []
for text in json.load(sys.stdin):
    try:
        d = parser.parse(text)
        off = d.utcoffset()
        out.append([d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond // 1000, None if off is None else int(off.total_seconds() * 1000)])
    except Exception:
        out.append(None)
json.dump(out, sys.stdout)`;
    const reference = runPythonJson<(number | null)[][]>(script, SAMPLES);
    const ours = SAMPLES.map((text) => {
      const parsed = parseAnyDateTime(text);
      if (!parsed) return null;
      const ms = parsed.dayMs;
      return [parsed.year, parsed.month, parsed.day, Math.floor(ms / 3_600_000), Math.floor(ms / 60_000) % 60, Math.floor(ms / 1000) % 60, ms % 1000, parsed.offsetMs ?? null];
    });
    expect(SAMPLES.map((text, i) => [text, ours[i]])).toEqual(SAMPLES.map((text, i) => [text, reference[i]]));
  });
});
