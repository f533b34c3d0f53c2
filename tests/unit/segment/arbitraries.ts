/**
 * fast-check generators shared by the engine-versus-SQL property tests: small data sets with
 * every field type, empty values, accented and case-variant strings, dates around DST changes
 * and leap days, events and stored segments; and random valid definitions using every
 * condition kind and rule.
 */
import { DELIVERY_ACTIVITY_TYPES } from '$lib/core/segment/delivery-activity';
import fc from 'fast-check';
import type { FieldSpec } from '../../../src/lib/core/columns/types';
import { EMAIL_ACTIVITY_TYPES } from '../../../src/lib/core/columns/types';
import type {
  Condition,
  Definition,
  Group,
  Period,
  SegmentNode,
  TextTest,
  Window
} from '../../../src/lib/core/segment/definition';
import {
  DAY_MS,
  civilFromDays,
  daysFromCivil,
  formatIsoDay
} from '../../../src/lib/core/segment/dates';
import { DATE_RULES, NUMBER_RULES, TEXT_RULES } from '../../../src/lib/core/segment/rules';
import type { Cell, PlainEvent } from './tables';

export const FIELDS: FieldSpec[] = [
  { name: 'id', type: 'text' },
  { name: 'name', type: 'text' },
  { name: 'email', type: 'email' },
  { name: 'tier', type: 'category' },
  { name: `Ville d'été "x"`, type: 'text' },
  { name: 'score', type: 'number' },
  { name: 'birth', type: 'date' },
  { name: 'seen', type: 'datetime' },
  { name: 'optin', type: 'boolean' },
  { name: 'phone', type: 'phone' },
  { name: 'num_id', type: 'number' }
];
const TEXT_FIELDS = ['id', 'name', 'email', 'tier', `Ville d'été "x"`, 'phone'];

const WORDS = [
  'Élodie',
  'elodie',
  ' ELODIE ',
  'élodie\u00a0',
  'e\u0301lodie',
  'Straße',
  'STRASSE',
  'strasse',
  'Œuvre',
  'oeuvre',
  'Æther',
  'aether',
  'café',
  'CAFE',
  'Café noir',
  'noir café',
  'a%b',
  'a_b',
  'axb',
  'x\\y',
  'jean@ex.fr',
  'MARIE@ex.org',
  'İstanbul',
  'istanbul',
  'Ørsted',
  'orsted',
  'gold vip',
  'vip gold',
  'shoe red',
  'red shoe',
  'ΣΟΦΙΑΣ',
  'σοφιας',
  'Nguyễn',
  '가나',
  'STRAẞE',
  'ǅemal',
  'ﬁnance',
  '\u212bngström',
  '\u212aelvin',
  'ŒUVRE ÆSOP',
  "O'Brien",
  "it's",
  // Astral-plane characters (two UTF-16 units each): emoji, a skin-tone modifier, CJK ext. B.
  '😀 smile',
  'SMILE 😀',
  '𝔘𝔫𝔦',
  '𠜎𠜱x',
  'e\u{1F3FB}'
];
const BLANKS = ['', ' ', '\t', '\u00a0'];
const PATTERNS = [
  'é',
  'CAFE|noir',
  'gold+vip',
  'shoe*red',
  'a%b',
  '_',
  'x\\y',
  '.fr|.org',
  'ss',
  'oe',
  'ae',
  'e*e',
  ' vip + gold ',
  'ori|*ist*',
  "o'b",
  'ΣΟΦ',
  'i',
  '😀',
  '𠜎*x',
  'e\u{1F3FB}'
];
const PHONES = ['+33 6 12 34 56 78', '06 12 34 56 78', '0612345678', '+1 (555) 010-9999', '', ' '];

const ZONES = ['Europe/Brussels', 'America/New_York', 'UTC', 'Asia/Kolkata', 'Australia/Lord_Howe'];
const NOWS = [
  Date.UTC(2026, 2, 29, 1, 30),
  Date.UTC(2026, 2, 28, 23, 30),
  Date.UTC(2026, 9, 25, 0, 59, 59, 999),
  Date.UTC(2026, 9, 25, 1, 0),
  Date.UTC(2028, 1, 29, 12),
  Date.UTC(2027, 1, 28, 23, 30),
  Date.UTC(2026, 10, 23, 13, 33),
  Date.UTC(2026, 0, 31, 22, 0),
  Date.UTC(2026, 2, 31, 10, 0),
  Date.UTC(2026, 2, 8, 7, 0)
];
const DST_INSTANTS = [
  Date.UTC(2026, 2, 29, 1, 0),
  Date.UTC(2026, 9, 25, 1, 0),
  Date.UTC(2026, 2, 8, 7, 0),
  Date.UTC(2026, 10, 1, 6, 0),
  Date.UTC(2026, 2, 28, 23, 0),
  Date.UTC(2026, 9, 24, 22, 0)
];
const EVENT_TYPES = ['page_view', 'purchase', ...EMAIL_ACTIVITY_TYPES];
const TARGETS = ['', '', '/offer-42', '/Offer-42/x', 'em1', 'em2', 'Café', ' '];
/** Stored segments of a data set; sC and sD are made by chained definitions (see chain). */
export const SEGMENT_IDS = ['sA', 'sB'];
export const CHAINED_IDS = ['sC', 'sD'] as const;
/** Far from today: 1900 (before time zones, local mean time) and 2100 (not a leap year). */
const FAR_DAYS = [
  '1900-01-01',
  '1900-02-28',
  '1900-03-01',
  '2100-02-28',
  '2100-03-01',
  '2100-12-31'
];
const FAR_INSTANTS = [
  Date.UTC(1900, 0, 1),
  Date.UTC(1899, 11, 31, 23, 30),
  Date.UTC(1900, 5, 15, 12, 0, 0, 1),
  Date.UTC(2100, 1, 28, 23, 30),
  Date.UTC(2100, 11, 31, 23, 59, 59, 999)
];

/** An events or segment_members row the engine never sees: NULL or unknown contact id. */
export interface StrayEvent {
  contactId: number | null;
  type: string;
  target: string;
  at: number;
}
export interface StrayMember {
  segment: string;
  contactId: number | null;
}

export interface DataSet {
  now: number;
  timeZone: string;
  rows: Record<string, Cell>[];
  events: PlainEvent[];
  /** Delivery activity (types of DELIVERY_ACTIVITY_TYPES, emailing as target). */
  delivery: PlainEvent[];
  segments: Record<string, number[]>;
  /** Identity field: text ids (numeric, empty, non-ASCII, astral) or a number field. */
  identity: 'id' | 'num_id';
  strayEvents: StrayEvent[];
  strayMembers: StrayMember[];
  /** sC = chain[0] (over sA/sB), sD = chain[1] (over sC): segment in segment in segment. */
  chain: [Definition, Definition];
  /** Column type of datetimes in the database, and the session's TimeZone. */
  timestampType: 'TIMESTAMP' | 'TIMESTAMPTZ';
  sessionTimeZone: string;
}

const periodArb: fc.Arbitrary<Period> = fc.record({
  n: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom(7, 12, 30, 31)),
  unit: fc.constantFrom('days', 'weeks', 'months')
});

export function dataSetArb(): fc.Arbitrary<DataSet> {
  return fc
    .record({ now: fc.constantFrom(...NOWS), timeZone: fc.constantFrom(...ZONES) })
    .chain(({ now, timeZone }) => {
      const nowDay = Math.floor(now / DAY_MS);
      const nowCivil = civilFromDays(nowDay);
      const dayArb = fc.oneof(
        // Birthdays around "now minus some years", leap days and DST days.
        fc
          .record({
            years: fc.constantFrom(0, 1, 4, 18, 25, 30),
            delta: fc.integer({ min: -8, max: 8 })
          })
          .map(({ years, delta }) => {
            const y = nowCivil.year - years;
            const day = Math.min(nowCivil.day, 28);
            return daysFromCivil(y, nowCivil.month, day) + delta;
          }),
        fc
          .constantFrom(
            '2024-02-29',
            '2000-02-29',
            '2025-02-28',
            '2025-03-01',
            '2026-03-29',
            '2026-10-25'
          )
          .map((s) =>
            daysFromCivil(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10)))
          ),
        fc
          .constantFrom(...FAR_DAYS)
          .map((s) =>
            daysFromCivil(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10)))
          ),
        fc.integer({ min: -70, max: 70 }).map((d) => nowDay + d),
        fc.integer({ min: -400, max: 400 }).map((d) => nowDay + d)
      );
      const instantArb = fc.oneof(
        fc
          .record({
            base: fc.constantFrom(now, ...DST_INSTANTS),
            days: fc.constantFrom(0, 0, 1, -1, 7, -7, 14, -28, -30, -31, -60, -90, -365, 31),
            minutes: fc.integer({ min: -180, max: 180 }),
            ms: fc.constantFrom(0, 0, 1, 999)
          })
          .map(({ base, days, minutes, ms }) => base + days * DAY_MS + minutes * 60_000 + ms),
        fc.integer({ min: -100, max: 100 }).map((d) => now + d * DAY_MS),
        fc.constantFrom(...FAR_INSTANTS)
      );
      const textArb = fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...WORDS) },
        { weight: 2, arbitrary: fc.constantFrom(...BLANKS) },
        {
          weight: 2,
          arbitrary: fc.string({
            unit: fc.constantFrom('a', 'A', 'é', 'E', '%', '_', ' ', '*', 'ß'),
            maxLength: 5
          })
        }
      );
      const numArb = fc.oneof(
        fc.constant(NaN),
        fc.integer({ min: -3, max: 3 }),
        fc.constantFrom(0.1, 0.5, -2.25, 1e21, 2.5),
        fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true })
      );
      const rowArb = fc.record({
        name: textArb,
        email: textArb,
        tier: fc.constantFrom('Gold', 'gold', 'Silver', 'ÉLITE', 'elite', '', ' '),
        [`Ville d'été "x"`]: textArb,
        score: numArb,
        birth: fc.oneof(
          { weight: 5, arbitrary: dayArb.map((d) => d * DAY_MS) },
          { weight: 1, arbitrary: fc.constant(NaN) }
        ),
        seen: fc.oneof(
          { weight: 5, arbitrary: instantArb },
          { weight: 1, arbitrary: fc.constant(NaN) }
        ),
        optin: fc.constantFrom(0, 1, 2),
        phone: fc.constantFrom(...PHONES),
        // Numeric identities: whole numbers (written without ".0"), fractions, 2^53 - 1, empty.
        num_id: fc.oneof(
          fc.integer({ min: -5, max: 99 }),
          fc.constantFrom(NaN, 0.5, -2.25, 1e15, 2 ** 53 - 1, 123456789012)
        )
      });
      // Now and then a larger campaign (2,000 contacts), mostly small ones.
      const rowsArb = fc.oneof(
        {
          weight: 30,
          arbitrary: fc.array(rowArb, { minLength: 8, maxLength: 40, size: 'medium' })
        },
        { weight: 1, arbitrary: fc.array(rowArb, { minLength: 2000, maxLength: 2000 }) }
      );
      // Text identities: emails, numeric text ("007", "12"), empty and blank, non-ASCII, astral.
      const idOf = (i: number, kind: number) =>
        [
          `Contact-${i}`,
          `c${i}@ex.fr`,
          String(i),
          `00${i}`,
          '',
          ' ',
          `Ærø-${i}`,
          `😀${i}`,
          `𠜎-${i}`
        ][kind];
      return rowsArb.chain((rows) => {
        const n = rows.length;
        const eventArb = fc.record({
          // Some contacts get many events, so counts above 3 are reached.
          row: fc.oneof(
            fc.integer({ min: 0, max: Math.max(0, n - 1) }),
            fc.integer({ min: 0, max: Math.min(2, Math.max(0, n - 1)) })
          ),
          type: fc.constantFrom(...EVENT_TYPES),
          target: fc.constantFrom(...TARGETS),
          at: instantArb
        });
        const strayId = fc.oneof(
          { weight: 3, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.constantFrom(-1, n, n + 7) }
        );
        return fc.record({
          now: fc.constant(now),
          timeZone: fc.constant(timeZone),
          rows: fc
            .array(fc.integer({ min: 0, max: 8 }), { minLength: n, maxLength: n })
            .map((kinds) => rows.map((r, i) => ({ ...r, id: idOf(i, kinds[i]) }))) as fc.Arbitrary<
            Record<string, Cell>[]
          >,
          events:
            n === 0
              ? fc.constant([])
              : fc.array(eventArb, { maxLength: n > 100 ? 3000 : 200, size: 'medium' }),
          delivery:
            n === 0
              ? fc.constant([])
              : fc.array(
                  fc.record({
                    row: eventArb.map((e) => e.row),
                    type: fc.constantFrom(...DELIVERY_ACTIVITY_TYPES),
                    target: fc.constantFrom('', 'em1', 'em2'),
                    at: instantArb
                  }),
                  { maxLength: n > 100 ? 400 : 60, size: 'medium' }
                ),
          segments: fc.record({
            sA: fc.subarray([...Array(n).keys()]),
            sB: fc.subarray([...Array(n).keys()])
          }),
          identity: fc.constantFrom('id' as const, 'id' as const, 'num_id' as const),
          strayEvents: fc.array(
            fc.record({
              contactId: strayId,
              type: fc.constantFrom(...EVENT_TYPES),
              target: fc.constantFrom(...TARGETS),
              at: instantArb
            }),
            { maxLength: 4 }
          ),
          strayMembers: fc.array(
            fc.record({ segment: fc.constantFrom('sA', 'sB', 'sUnknown'), contactId: strayId }),
            { maxLength: 3 }
          ),
          chain: fc.tuple(chainArb(now, ['sA', 'sB']), chainArb(now, ['sC'])) as fc.Arbitrary<
            [Definition, Definition]
          >,
          timestampType: fc.constantFrom('TIMESTAMP' as const, 'TIMESTAMPTZ' as const),
          sessionTimeZone: fc.constantFrom('UTC', 'America/New_York', 'Asia/Kolkata')
        });
      });
    });
}

function isoDayArb(now: number): fc.Arbitrary<string> {
  const nowDay = Math.floor(now / DAY_MS);
  return fc.oneof(
    fc.integer({ min: -40, max: 40 }).map((d) => formatIsoDay(nowDay + d)),
    fc.constantFrom(
      '2026-03-29',
      '2026-10-25',
      '2024-02-29',
      '2026-03-28',
      '2026-10-24',
      '2000-02-29',
      '1900-03-01',
      '2100-02-28'
    )
  );
}

function sortedPair<T>(a: fc.Arbitrary<T>, cmp: (x: T, y: T) => number): fc.Arbitrary<[T, T]> {
  return fc.tuple(a, a).map(([x, y]) => (cmp(x, y) <= 0 ? [x, y] : [y, x]));
}

const nonBlankWord = fc.constantFrom(
  ...WORDS,
  'caf',
  'ELO',
  'é',
  'ss',
  'gold',
  'Gold',
  '.fr',
  'c1',
  'contact'
);

function textTestArb(): fc.Arbitrary<TextTest> {
  return fc.constantFrom(...TEXT_RULES).chain((rule) => {
    const cs = fc.option(fc.boolean(), { nil: undefined });
    let value: fc.Arbitrary<TextTest['value']>;
    if (rule === 'is_empty' || rule === 'is_not_empty') value = fc.constant(undefined);
    else if (rule === 'contains' || rule === 'not_contains') value = fc.constantFrom(...PATTERNS);
    else if (rule === 'in' || rule === 'not_in')
      value = fc.array(nonBlankWord, { minLength: 1, maxLength: 3 });
    else value = nonBlankWord;
    return fc.record({ rule: fc.constant(rule), value, caseSensitive: cs }).map((t) => {
      const out: TextTest = { rule: t.rule };
      if (t.value !== undefined) out.value = t.value;
      if (t.caseSensitive !== undefined) out.caseSensitive = t.caseSensitive;
      return out;
    });
  });
}

function windowArb(now: number): fc.Arbitrary<Window | undefined> {
  return fc.oneof(
    fc.constant(undefined),
    periodArb.map((p) => ({ last: p })),
    sortedPair(isoDayArb(now), (a, b) => a.localeCompare(b)).map((between) => ({ between }))
  );
}

const countArb = fc.option(
  fc.record({
    op: fc.constantFrom('at_least' as const, 'at_most' as const, 'exactly' as const),
    n: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 4, max: 7 }))
  }),
  { nil: undefined }
);

function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function conditionArb(
  now: number,
  segments: readonly string[] = ['sA', 'sB', ...CHAINED_IDS, 'sUnknown']
): fc.Arbitrary<Condition> {
  const textAttr = fc
    .record({ field: fc.constantFrom(...TEXT_FIELDS), t: textTestArb() })
    .map(({ field, t }) =>
      strip({
        kind: 'attribute' as const,
        field,
        rule: t.rule,
        value: t.value,
        caseSensitive: t.caseSensitive
      })
    );
  const num = fc.constantFrom(-3, -1, 0, 0.1, 0.5, 1, 2, 2.5, 3, 1e21, -2.25, 1e15);
  const numberAttr = fc
    .record({ rule: fc.constantFrom(...NUMBER_RULES), field: fc.constantFrom('score', 'num_id') })
    .chain(({ rule, field }) =>
      (rule === 'between'
        ? sortedPair(num, (a, b) => a - b)
        : rule === 'is_empty' || rule === 'is_not_empty'
          ? fc.constant(undefined)
          : num
      ).map((value) => strip({ kind: 'attribute' as const, field, rule, value }))
    );
  const dateAttr = fc
    .record({ field: fc.constantFrom('birth', 'seen'), rule: fc.constantFrom(...DATE_RULES) })
    .chain(({ field, rule }) => {
      let value: fc.Arbitrary<unknown>;
      switch (rule) {
        case 'on':
        case 'before':
        case 'after':
          value = isoDayArb(now);
          break;
        case 'between':
          value = sortedPair(isoDayArb(now), (a, b) => a.localeCompare(b));
          break;
        case 'in_last':
        case 'not_in_last':
        case 'more_than_ago':
        case 'in_next':
          value = periodArb;
          break;
        case 'age_equals':
        case 'age_gt':
        case 'age_lt':
          value = fc.constantFrom(0, 1, 3, 4, 17, 18, 24, 25, 30);
          break;
        case 'age_between':
          value = sortedPair(fc.constantFrom(0, 1, 4, 17, 18, 25, 30), (a, b) => a - b);
          break;
        case 'anniversary_in':
          value = fc.constantFrom('week', 'month');
          break;
        default:
          value = fc.constant(undefined);
      }
      return value.map((v) =>
        strip({ kind: 'attribute' as const, field, rule, value: v as never })
      );
    });
  const boolAttr = fc
    .constantFrom(
      'is_true' as const,
      'is_false' as const,
      'is_empty' as const,
      'is_not_empty' as const
    )
    .map((rule) => ({ kind: 'attribute' as const, field: 'optin', rule }));
  const event = fc
    .record({
      event: fc.constantFrom('page_view', 'page_view', 'purchase', 'opened', 'never_seen'),
      target: fc.option(textTestArb(), { nil: undefined, freq: 2 }),
      count: countArb,
      window: windowArb(now),
      first: fc.option(fc.boolean(), { nil: undefined }),
      lapsed: fc.option(
        periodArb.map((p) => ({ ...p, n: Math.max(1, p.n) })),
        { nil: undefined }
      )
    })
    .map((e) => strip({ kind: 'event' as const, ...e }));
  const email = fc
    .record({
      activity: fc.constantFrom(...EMAIL_ACTIVITY_TYPES),
      emailing: fc.option(fc.constantFrom('em1', 'em2', 'nope'), { nil: undefined }),
      count: countArb,
      window: windowArb(now),
      machine: fc.option(fc.constantFrom('exclude' as const, 'include' as const, 'only' as const), {
        nil: undefined
      })
    })
    .map(({ machine, ...e }) =>
      strip({
        kind: 'email' as const,
        ...e,
        // The option belongs to opens and clicks only (the validator refuses it elsewhere).
        machine: e.activity === 'opened' || e.activity === 'clicked' ? machine : undefined
      })
    );
  const segment = fc.record({
    kind: fc.constant('segment' as const),
    segment: fc.constantFrom(...segments),
    member: fc.boolean()
  });
  const sample = fc
    .record({ buckets: fc.integer({ min: 1, max: 5 }), seed: fc.constantFrom('s1', 'é', 'test 2') })
    .chain(({ buckets, seed }) =>
      fc
        .integer({ min: 0, max: buckets - 1 })
        .map((bucket) => ({ kind: 'sample' as const, buckets, bucket, seed }))
    );
  return fc.oneof(
    { weight: 5, arbitrary: textAttr },
    { weight: 2, arbitrary: numberAttr },
    { weight: 5, arbitrary: dateAttr },
    { weight: 1, arbitrary: boolAttr },
    { weight: 4, arbitrary: event },
    { weight: 2, arbitrary: email },
    { weight: 1, arbitrary: segment },
    { weight: 1, arbitrary: sample }
  ) as fc.Arbitrary<Condition>;
}

function nodeArb(now: number, depth: number): fc.Arbitrary<SegmentNode> {
  const cond = conditionArb(now);
  if (depth <= 0) return cond;
  return fc.oneof(
    { weight: 3, arbitrary: cond },
    { weight: 1, arbitrary: groupArb(now, depth - 1) }
  );
}

function groupArb(now: number, depth: number): fc.Arbitrary<Group> {
  return fc.record({
    kind: fc.constant('group' as const),
    match: fc.constantFrom('all' as const, 'any' as const, 'none' as const),
    children: fc.array(nodeArb(now, depth), { maxLength: 4 })
  });
}

/** A definition of a chained segment: it refers to `refs` (a segment) and one more condition. */
function chainArb(now: number, refs: string[]): fc.Arbitrary<Definition> {
  return fc
    .record({
      match: fc.constantFrom('all' as const, 'any' as const, 'none' as const),
      ref: fc.record({
        kind: fc.constant('segment' as const),
        segment: fc.constantFrom(...refs),
        member: fc.boolean()
      }),
      other: conditionArb(now, refs)
    })
    .map(({ match, ref, other }) => ({
      version: 1 as const,
      root: { kind: 'group' as const, match, children: [ref, other] }
    }));
}

/** Per data set: 6 random trees and 10 single conditions (each rule needs direct checks too). */
export const TREES = 6;
export const SINGLES = 10;
export function definitionsArb(now: number): fc.Arbitrary<Definition[]> {
  const tree = fc
    .record({
      match: fc.constantFrom('all' as const, 'any' as const, 'none' as const),
      children: fc.array(nodeArb(now, 2), { minLength: 1, maxLength: 4 })
    })
    .map(({ match, children }) => ({
      version: 1 as const,
      root: { kind: 'group' as const, match, children }
    }));
  const single = conditionArb(now).map((c) => ({
    version: 1 as const,
    root: { kind: 'group' as const, match: 'all' as const, children: [c] }
  }));
  return fc
    .tuple(
      fc.array(tree, { minLength: TREES, maxLength: TREES }),
      fc.array(single, { minLength: SINGLES, maxLength: SINGLES })
    )
    .map(([a, b]) => [...a, ...b]);
}

/** JSON that keeps NaN and infinities readable in failure reports. */
export const json = (v: unknown) =>
  JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
