/**
 * The exported SQL holds relative dates as literal bounds computed by lower.ts (now, the time
 * zone, calendar arithmetic, DST rules), so the engine-versus-SQL property cannot see a mistake
 * there: both sides read the same numbers. Here the database computes every bound itself, from
 * `now`, intervals and `AT TIME ZONE`, for a sample of definitions (every relative rule on a
 * date and a date-time, ages, calendar days, event windows and lapses, in zones with DST,
 * half-hour DST and none, around DST changes, 29 February, 1900 and 2100), and the bound must
 * be the very instant or day lower.ts wrote. DuckDB always; PostgreSQL with SLICE_TEST_PG.
 */
import { execFileSync } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import type { FieldSpec } from '../../../src/lib/core/columns/types';
import type { Condition, Period } from '../../../src/lib/core/segment/definition';
import {
  DAY_MS,
  formatIsoDay,
  formatUtcTimestamp,
  parseIsoDay
} from '../../../src/lib/core/segment/dates';
import { lowerCondition, type ConditionPlan } from '../../../src/lib/core/segment/lower';

type Dialect = 'duckdb' | 'postgres';

const FIELDS: FieldSpec[] = [
  { name: 'birth', type: 'date' },
  { name: 'seen', type: 'datetime' }
];
const ZONES = ['Europe/Brussels', 'America/New_York', 'UTC', 'Asia/Kolkata', 'Australia/Lord_Howe'];
const NOWS = [
  Date.UTC(2026, 2, 29, 1, 30),
  Date.UTC(2026, 2, 28, 23, 30),
  Date.UTC(2026, 9, 25, 0, 59, 59, 999),
  Date.UTC(2026, 9, 25, 1, 0),
  Date.UTC(2026, 10, 1, 5, 30),
  // Wall times a week later are shown twice (Brussels 25 Oct 02:30, New York 1 Nov 01:30).
  Date.UTC(2026, 9, 18, 0, 30),
  Date.UTC(2026, 9, 25, 5, 30),
  Date.UTC(2028, 1, 29, 12),
  Date.UTC(2027, 1, 28, 23, 30),
  Date.UTC(2026, 2, 31, 10, 0),
  Date.UTC(2026, 2, 8, 7, 0),
  Date.UTC(2100, 1, 28, 12),
  Date.UTC(2100, 11, 31, 23, 59, 59, 999)
];
const PERIODS: Period[] = [
  { n: 1, unit: 'days' },
  { n: 7, unit: 'days' },
  { n: 2, unit: 'weeks' },
  { n: 1, unit: 'months' },
  { n: 3, unit: 'months' },
  { n: 12, unit: 'months' },
  { n: 31, unit: 'days' }
];
const DAYS = ['2026-03-29', '2026-10-25', '2026-03-08', '2026-11-01', '2026-10-04', '2024-02-29'];
const AGES = [0, 1, 3, 4, 18, 25];

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** SQL computing bounds from now and the zone, in the database's own calendar arithmetic. */
class DbCalendar {
  constructor(
    private readonly d: Dialect,
    private readonly now: number,
    private readonly tz: string
  ) {}
  private nowTz = () => `CAST('${formatUtcTimestamp(this.now)}+00' AS TIMESTAMPTZ)`;
  /** The zone's wall clock now (TIMESTAMP). */
  localNow = () => `(${this.nowTz()} AT TIME ZONE ${q(this.tz)})`;
  today = () => `CAST(${this.localNow()} AS DATE)`;
  interval(p: Period, sign: 1 | -1): string {
    const [n, unit] = p.unit === 'weeks' ? [p.n * 7, 'days'] : [p.n, p.unit];
    return `${sign < 0 ? '-' : '+'} INTERVAL '${n} ${unit}'`;
  }
  /**
   * The instant a wall time (TIMESTAMP) shows in the zone. A time shown twice (clocks set
   * back) is the earlier instant, as the engine reads it: the reading from three hours before
   * the change, when it shows that wall time again. Skipped times read with the offset before
   * the jump, as both databases do.
   */
  instant(wall: string): string {
    const early = `((${wall} - INTERVAL '3 hours') AT TIME ZONE ${q(this.tz)} + INTERVAL '3 hours')`;
    return `(CASE WHEN (${early} AT TIME ZONE ${q(this.tz)}) = ${wall} THEN ${early} ELSE (${wall} AT TIME ZONE ${q(this.tz)}) END)`;
  }
  shiftInstant = (p: Period, sign: 1 | -1) =>
    this.instant(`(${this.localNow()} ${this.interval(p, sign)})`);
  shiftDay = (p: Period, sign: 1 | -1) => `CAST(${this.today()} ${this.interval(p, sign)} AS DATE)`;
  startOfDay = (day: string) => this.instant(`CAST(${day} AS TIMESTAMP)`);
  /** The latest birth day of someone n years old today; 29 February counts on 28 February. */
  latestBirthDay(n: number): string {
    const t = this.today();
    const y = `(${t} - INTERVAL '${n} years')`;
    const feb28Common = `EXTRACT(MONTH FROM ${t}) = 2 AND EXTRACT(DAY FROM ${t}) = 28 AND EXTRACT(MONTH FROM ${t} + INTERVAL '1 day') = 3`;
    const leapThen = `EXTRACT(DAY FROM ${y} + INTERVAL '1 day') = 29`;
    return `(CASE WHEN ${feb28Common} AND ${leapThen} THEN CAST(${y} + INTERVAL '1 day' AS DATE) ELSE CAST(${y} AS DATE) END)`;
  }
  /** An instant as epoch milliseconds, a day as epoch day number. */
  ms = (x: string) =>
    this.d === 'duckdb'
      ? `epoch_ms(${x})`
      : `CAST(round(EXTRACT(EPOCH FROM ${x}) * 1000) AS BIGINT)`;
  dayNumber = (x: string) => `(${x} - DATE '1970-01-01')`;
}

interface Check {
  what: string;
  /** Bound from lower.ts: ms for instants, epoch day for days. */
  expected: number;
  sql: string;
}

function plan(cond: Condition, now: number, timeZone: string): ConditionPlan {
  return lowerCondition(cond, new Map(FIELDS.map((f) => [f.name, f])), { now, timeZone });
}

function range(cond: Condition, now: number, tz: string) {
  const p = plan(cond, now, tz);
  if (p.kind !== 'range') throw new Error(`not a range: ${JSON.stringify(cond)}`);
  return p.range;
}

/** Every bound of the sample, with the SQL computing it. */
function checks(d: Dialect): Check[] {
  const out: Check[] = [];
  for (const now of NOWS) {
    for (const tz of ZONES) {
      const db = new DbCalendar(d, now, tz);
      const at = `${new Date(now).toISOString()} ${tz}`;
      const add = (what: string, expected: number, sql: string) =>
        out.push({ what: `${at}: ${what}`, expected, sql });
      const attr = (field: string, rule: string, value: unknown) =>
        ({ kind: 'attribute', field, rule, value }) as Condition;
      for (const p of PERIODS) {
        const ps = `${p.n} ${p.unit}`;
        let r = range(attr('seen', 'in_last', p), now, tz);
        add(`seen in_last ${ps} (from)`, r.lo, db.ms(db.shiftInstant(p, -1)));
        r = range(attr('seen', 'more_than_ago', p), now, tz);
        add(`seen more_than_ago ${ps}`, r.hi, db.ms(db.shiftInstant(p, -1)));
        r = range(attr('seen', 'in_next', p), now, tz);
        add(`seen in_next ${ps}`, r.hi, db.ms(db.shiftInstant(p, 1)));
        r = range(attr('birth', 'in_last', p), now, tz);
        add(`birth in_last ${ps} (from)`, r.lo / DAY_MS, db.dayNumber(db.shiftDay(p, -1)));
        add(`birth in_last ${ps} (to)`, r.hi / DAY_MS, db.dayNumber(db.today()));
        r = range(attr('birth', 'more_than_ago', p), now, tz);
        add(`birth more_than_ago ${ps}`, r.hi / DAY_MS, `${db.dayNumber(db.shiftDay(p, -1))} - 1`);
        r = range(attr('birth', 'in_next', p), now, tz);
        add(`birth in_next ${ps}`, r.hi / DAY_MS, db.dayNumber(db.shiftDay(p, 1)));
        const ev = plan({ kind: 'event', event: 'v', window: { last: p }, lapsed: p }, now, tz);
        if (ev.kind !== 'event' || !ev.window || !ev.lapsed) throw new Error('event plan');
        add(`event window last ${ps}`, ev.window.lo, db.ms(db.shiftInstant(p, -1)));
        add(`event lapsed ${ps}`, ev.lapsed.cut, db.ms(db.shiftInstant(p, -1)));
      }
      for (const n of AGES) {
        const r = range(attr('birth', 'age_equals', n), now, tz);
        add(
          `birth age_equals ${n} (from)`,
          r.lo / DAY_MS,
          `${db.dayNumber(db.latestBirthDay(n + 1))} + 1`
        );
        add(`birth age_equals ${n} (to)`, r.hi / DAY_MS, db.dayNumber(db.latestBirthDay(n)));
      }
      for (const day of DAYS) {
        const r = range(attr('seen', 'on', day), now, tz);
        const next = formatIsoDay((parseIsoDay(day) as number) + 1);
        add(`seen on ${day} (from)`, r.lo, db.ms(db.startOfDay(`DATE '${day}'`)));
        add(`seen on ${day} (to)`, r.hi, db.ms(db.startOfDay(`DATE '${next}'`)));
      }
    }
  }
  return out;
}

function compare(list: Check[], got: number[]): void {
  const wrong = list
    .map((c, i) => ({ ...c, got: got[i] }))
    .filter((c) => c.got !== c.expected)
    .map((c) => `${c.what}: lower.ts ${c.expected}, database ${c.got}`);
  expect(wrong).toEqual([]);
}

describe('relative bounds: the database agrees with lower.ts', () => {
  it('DuckDB computes the same instants and days', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      // Not UTC, so a bound that silently used the session's zone would show.
      await conn.run(`SET TimeZone = 'America/Sao_Paulo'`);
      const list = checks('duckdb');
      const got: number[] = [];
      for (let i = 0; i < list.length; i += 200) {
        const part = list.slice(i, i + 200);
        const reader = await conn.runAndReadAll(
          `SELECT ${part.map((c) => `CAST(${c.sql} AS BIGINT)`).join(', ')}`
        );
        got.push(...reader.getRows()[0].map((v) => Number(v)));
      }
      expect(list.length).toBeGreaterThan(4000);
      compare(list, got);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });

  const PG_ARGS = process.env.SLICE_TEST_PG?.split(/\s+/).filter(Boolean);
  it.runIf(PG_ARGS !== undefined)('PostgreSQL computes the same (SLICE_TEST_PG)', () => {
    const list = checks('postgres');
    const script = [
      `SET TimeZone = 'America/Sao_Paulo';`,
      ...list.map((c) => `SELECT CAST(${c.sql} AS BIGINT);`)
    ].join('\n');
    const out = execFileSync(
      'psql',
      ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', ...(PG_ARGS ?? []), '-f', '-'],
      {
        input: script,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024
      }
    );
    compare(
      list,
      out
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map(Number)
    );
  });
});
