/**
 * Lowers a validated condition into a small predicate plan with every relative date, time
 * zone and text folding already resolved (literal bounds, folded keys, parsed patterns).
 * The evaluator and the SQL export both consume these plans, so they cannot disagree on
 * what "in the last 3 months in Europe/Brussels" or "contains gold+vip" means.
 */
import { machineActivityType } from './delivery-activity';
import type { FieldSpec, FieldType } from '../columns/types';
import type {
  AttributeCondition,
  Condition,
  Count,
  EmailCondition,
  EventCondition,
  Period,
  TextTest,
  Window
} from './definition';
import {
  DAY_MS,
  anniversaryKeys,
  civilFromDays,
  latestBirthDayForAge,
  parseIsoDay,
  shiftDay,
  zoneClock,
  type ZoneClock
} from './dates';
import { parsePattern, textKey, type ParsedPattern } from './text';

export interface TimeContext {
  now: number;
  timeZone: string;
}

/** A text test over a string value; `negate` plans match empty values or non-matches. */
export type TextPlan =
  | { op: 'empty'; negate: boolean }
  | {
      op: 'equals' | 'in' | 'starts_with' | 'ends_with';
      keys: string[];
      caseSensitive: boolean;
      negate: boolean;
    }
  | { op: 'contains'; pattern: ParsedPattern; caseSensitive: boolean; negate: boolean };

/**
 * A closed numeric interval over a Float64 column (numbers, date days as UTC-midnight ms,
 * instants as ms), bounds inclusive or not. `negate`: empty or outside.
 */
export interface RangePlan {
  lo: number;
  loInclusive: boolean;
  hi: number;
  hiInclusive: boolean;
  negate: boolean;
}

export type AttributePlan =
  | { kind: 'text'; field: string; type: FieldType; test: TextPlan }
  | { kind: 'range'; field: string; type: FieldType; range: RangePlan }
  | { kind: 'empty'; field: string; type: FieldType; negate: boolean }
  | { kind: 'boolean'; field: string; value: boolean }
  /** Month-day keys (month*100+day) of the local calendar date, or one month (1-12). */
  | { kind: 'anniversary'; field: string; type: FieldType; keys: number[] | null; month: number };

export interface EventPlan {
  kind: 'event';
  /**
   * Event type names any of which counts: one for events; for email conditions the activity,
   * and/or its machine twin (`machine:opened`) as the condition's `machine` option says.
   */
  types: string[];
  /** Test on the target; null = any target. */
  target: TextPlan | null;
  /** Email conditions: also count the delivery activity, not only imported events. */
  email: boolean;
  /** Email conditions: the emailing id that the target must equal exactly. */
  emailing: string | null;
  count: Count;
  /** Window as inclusive/exclusive instants; null = ever. */
  window: { lo: number; hi: number; hiInclusive: boolean } | null;
  first: boolean;
  /** Lapsed: some matching event before cut, none in [cut, now]. */
  lapsed: { cut: number; now: number } | null;
}

export type ConditionPlan =
  | AttributePlan
  | EventPlan
  | { kind: 'segment'; segment: string; member: boolean }
  | { kind: 'sample'; buckets: number; bucket: number; seed: string };

const RANGE_ALL = { lo: -Infinity, loInclusive: true, hi: Infinity, hiInclusive: true };

export function lowerTextTest(rule: string, value: unknown, caseSensitive: boolean): TextPlan {
  switch (rule) {
    case 'is_empty':
      return { op: 'empty', negate: false };
    case 'is_not_empty':
      return { op: 'empty', negate: true };
    case 'contains':
    case 'not_contains':
      return {
        op: 'contains',
        pattern: parsePattern(String(value), caseSensitive),
        caseSensitive,
        negate: rule === 'not_contains'
      };
    case 'in':
    case 'not_in': {
      const keys = [...new Set((value as string[]).map((v) => textKey(v, caseSensitive)))];
      return { op: 'in', keys, caseSensitive, negate: rule === 'not_in' };
    }
    case 'equals':
    case 'not_equals':
      return {
        op: 'equals',
        keys: [textKey(String(value), caseSensitive)],
        caseSensitive,
        negate: rule === 'not_equals'
      };
    case 'starts_with':
    case 'ends_with':
      return {
        op: rule,
        keys: [textKey(String(value), caseSensitive)],
        caseSensitive,
        negate: false
      };
  }
  throw new Error(`Unknown text rule "${rule}"`);
}

function numberRange(rule: string, value: unknown): RangePlan {
  const v = value as number;
  switch (rule) {
    case 'equals':
      return { lo: v, loInclusive: true, hi: v, hiInclusive: true, negate: false };
    case 'not_equals':
      return { lo: v, loInclusive: true, hi: v, hiInclusive: true, negate: true };
    case 'gt':
      return { ...RANGE_ALL, lo: v, loInclusive: false, negate: false };
    case 'gte':
      return { ...RANGE_ALL, lo: v, negate: false };
    case 'lt':
      return { ...RANGE_ALL, hi: v, hiInclusive: false, negate: false };
    case 'lte':
      return { ...RANGE_ALL, hi: v, negate: false };
    case 'between': {
      const [a, b] = value as [number, number];
      return { lo: a, loInclusive: true, hi: b, hiInclusive: true, negate: false };
    }
  }
  throw new Error(`Unknown number rule "${rule}"`);
}

/**
 * Calendar-day interval [fromDay, toDay] as a range over the column: day values for `date`
 * columns, instants from the zone's start of fromDay to before the start of toDay + 1 for
 * `datetime` columns.
 */
function dayRange(
  type: FieldType,
  clock: ZoneClock,
  fromDay: number,
  toDay: number,
  negate = false
): RangePlan {
  if (type === 'date') {
    return {
      lo: fromDay === -Infinity ? -Infinity : fromDay * DAY_MS,
      loInclusive: true,
      hi: toDay === Infinity ? Infinity : toDay * DAY_MS,
      hiInclusive: true,
      negate
    };
  }
  return {
    lo: fromDay === -Infinity ? -Infinity : clock.startOfDay(fromDay),
    loInclusive: true,
    hi: toDay === Infinity ? Infinity : clock.startOfDay(toDay + 1),
    hiInclusive: toDay === Infinity,
    negate
  };
}

/** Relative periods: calendar days for `date` columns, wall-clock instants for `datetime`. */
function relativeRange(
  type: FieldType,
  rule: string,
  p: Period,
  time: TimeContext,
  clock: ZoneClock
): RangePlan {
  const negate = rule === 'not_in_last';
  if (type === 'date') {
    const today = clock.localDay(time.now);
    switch (rule) {
      case 'in_last':
      case 'not_in_last':
        return dayRange(type, clock, shiftDay(today, p, -1), today, negate);
      case 'more_than_ago':
        return dayRange(type, clock, -Infinity, shiftDay(today, p, -1) - 1);
      default:
        return dayRange(type, clock, today, shiftDay(today, p, 1));
    }
  }
  const now = time.now;
  switch (rule) {
    case 'in_last':
    case 'not_in_last':
      return {
        lo: clock.shiftInstant(now, p, -1),
        loInclusive: true,
        hi: now,
        hiInclusive: true,
        negate
      };
    case 'more_than_ago':
      return {
        ...RANGE_ALL,
        hi: clock.shiftInstant(now, p, -1),
        hiInclusive: false,
        negate: false
      };
    default:
      return {
        lo: now,
        loInclusive: true,
        hi: clock.shiftInstant(now, p, 1),
        hiInclusive: true,
        negate: false
      };
  }
}

function dateAttribute(
  cond: AttributeCondition,
  type: FieldType,
  time: TimeContext
): AttributePlan {
  const clock = zoneClock(time.timeZone);
  const field = cond.field;
  const range = (r: RangePlan): AttributePlan => ({ kind: 'range', field, type, range: r });
  const value = cond.value;
  switch (cond.rule) {
    case 'on': {
      const d = parseIsoDay(value) as number;
      return range(dayRange(type, clock, d, d));
    }
    case 'before':
      return range(dayRange(type, clock, -Infinity, (parseIsoDay(value) as number) - 1));
    case 'after':
      return range(dayRange(type, clock, (parseIsoDay(value) as number) + 1, Infinity));
    case 'between': {
      const [a, b] = value as [string, string];
      return range(dayRange(type, clock, parseIsoDay(a) as number, parseIsoDay(b) as number));
    }
    case 'in_last':
    case 'not_in_last':
    case 'more_than_ago':
    case 'in_next':
      return range(relativeRange(type, cond.rule, value as Period, time, clock));
    case 'age_equals':
    case 'age_gt':
    case 'age_lt':
    case 'age_between': {
      // age(d) >= n  <=>  d <= latestBirthDayForAge(today, n); ranges of ages become day ranges.
      const today = clock.localDay(time.now);
      let minAge: number;
      let maxAge: number;
      if (cond.rule === 'age_equals') minAge = maxAge = value as number;
      else if (cond.rule === 'age_gt') [minAge, maxAge] = [(value as number) + 1, Infinity];
      else if (cond.rule === 'age_lt') [minAge, maxAge] = [-Infinity, (value as number) - 1];
      else [minAge, maxAge] = value as [number, number];
      const toDay = minAge === -Infinity ? Infinity : latestBirthDayForAge(today, minAge);
      const fromDay = maxAge === Infinity ? -Infinity : latestBirthDayForAge(today, maxAge + 1) + 1;
      return range(dayRange(type, clock, fromDay, toDay));
    }
    case 'anniversary_in': {
      const today = clock.localDay(time.now);
      if (value === 'month') {
        return { kind: 'anniversary', field, type, keys: null, month: civilFromDays(today).month };
      }
      return {
        kind: 'anniversary',
        field,
        type,
        keys: anniversaryKeys(today, today + 6),
        month: 0
      };
    }
    case 'is_empty':
      return { kind: 'empty', field, type, negate: false };
    case 'is_not_empty':
      return { kind: 'empty', field, type, negate: true };
  }
  throw new Error(`Unknown date rule "${cond.rule}"`);
}

export function lowerAttribute(
  cond: AttributeCondition,
  spec: FieldSpec,
  time: TimeContext
): AttributePlan {
  const { field, rule } = cond;
  const type = spec.type;
  if (rule === 'is_empty' || rule === 'is_not_empty') {
    return { kind: 'empty', field, type, negate: rule === 'is_not_empty' };
  }
  switch (type) {
    case 'number':
      return { kind: 'range', field, type, range: numberRange(rule, cond.value) };
    case 'date':
    case 'datetime':
      return dateAttribute(cond, type, time);
    case 'boolean':
      return { kind: 'boolean', field, value: rule === 'is_true' };
    default:
      return {
        kind: 'text',
        field,
        type,
        test: lowerTextTest(rule, cond.value, cond.caseSensitive === true)
      };
  }
}

function lowerWindow(w: Window | undefined, time: TimeContext): EventPlan['window'] {
  if (!w) return null;
  const clock = zoneClock(time.timeZone);
  if ('last' in w) {
    return { lo: clock.shiftInstant(time.now, w.last, -1), hi: time.now, hiInclusive: true };
  }
  const a = parseIsoDay(w.between[0]) as number;
  const b = parseIsoDay(w.between[1]) as number;
  return { lo: clock.startOfDay(a), hi: clock.startOfDay(b + 1), hiInclusive: false };
}

function lowerTarget(t: TextTest | undefined): TextPlan | null {
  return t ? lowerTextTest(t.rule, t.value, t.caseSensitive === true) : null;
}

/**
 * The event types an email condition counts: people's activity by default; with `machine`
 * 'include' also the machine opens/clicks, with 'only' just those. Other activities have no
 * machine twin.
 */
function emailActivityTypes(cond: EmailCondition): string[] {
  const { activity } = cond;
  if (activity !== 'opened' && activity !== 'clicked') return [activity];
  const machine = cond.machine ?? 'exclude';
  const twin = machineActivityType(activity);
  return machine === 'exclude' ? [activity] : machine === 'only' ? [twin] : [activity, twin];
}

export function lowerEvent(cond: EventCondition | EmailCondition, time: TimeContext): EventPlan {
  const count = cond.count ?? { op: 'at_least', n: 1 };
  if (cond.kind === 'email') {
    return {
      kind: 'event',
      types: emailActivityTypes(cond),
      email: true,
      target: null,
      emailing: cond.emailing ?? null,
      count,
      window: lowerWindow(cond.window, time),
      first: false,
      lapsed: null
    };
  }
  return {
    kind: 'event',
    types: [cond.event],
    email: false,
    target: lowerTarget(cond.target),
    emailing: null,
    count,
    window: lowerWindow(cond.window, time),
    first: cond.first === true,
    lapsed: cond.lapsed
      ? { cut: zoneClock(time.timeZone).shiftInstant(time.now, cond.lapsed, -1), now: time.now }
      : null
  };
}

/** Plan of any validated condition; fields are looked up by name (the caller validated them). */
export function lowerCondition(
  cond: Condition,
  fields: Map<string, FieldSpec>,
  time: TimeContext
): ConditionPlan {
  switch (cond.kind) {
    case 'attribute': {
      const spec = fields.get(cond.field);
      if (!spec) throw new Error(`Unknown field "${cond.field}"`);
      return lowerAttribute(cond, spec, time);
    }
    case 'event':
    case 'email':
      return lowerEvent(cond, time);
    case 'segment':
      return { kind: 'segment', segment: cond.segment, member: cond.member };
    case 'sample':
      return { kind: 'sample', buckets: cond.buckets, bucket: cond.bucket, seed: cond.seed };
  }
}

/** Whether a count over n matching events satisfies the condition's count. */
export function countMatches(count: Count, n: number): boolean {
  switch (count.op) {
    case 'at_least':
      return n >= count.n;
    case 'at_most':
      return n <= count.n;
    case 'exactly':
      return n === count.n;
  }
}
