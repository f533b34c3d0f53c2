/**
 * How `slice report` reads a written time: in the report's zone when it carries none of its
 * own (shared by the command and its reading threads, which must read times alike).
 */
import { parseDateTime } from '../src/lib/core/csv/index';
import { zoneClock } from '../src/lib/core/segment/index';

const HAS_ZONE = /(?:Z|UTC|GMT|[+-]\d\d(?::?\d\d)?)$/i;

/** A written time read in `timeZone` when it carries no zone of its own. */
export function zonedParser(timeZone: string): (raw: string) => number {
  const clock = zoneClock(timeZone);
  return (raw) => {
    const t = parseDateTime(raw, 'ymd');
    if (Number.isNaN(t) || HAS_ZONE.test(raw)) return t;
    return clock.wallToInstant(t);
  };
}
