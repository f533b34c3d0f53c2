/**
 * The PostgreSQL dialect of the SQL export. Always: every rule and condition kind compiles to
 * well-formed PostgreSQL text (balanced parentheses and literals, no DuckDB-only functions).
 * When SLICE_TEST_PG holds psql connection arguments (e.g. "-h /tmp/pgsock -p 55432 -U
 * postgres"), the random engine-versus-SQL property also runs against that server through psql;
 * no server is needed otherwise.
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromIndices, toIndices } from '../../../src/lib/core/columns/bitset';
import type { Condition, Definition } from '../../../src/lib/core/segment/definition';
import { evaluateDefinition } from '../../../src/lib/core/segment/evaluate';
import {
  BOOLEAN_RULES,
  DATE_RULES,
  NUMBER_RULES,
  TEXT_RULES
} from '../../../src/lib/core/segment/rules';
import { toSql } from '../../../src/lib/core/segment/to-sql';
import { validateDefinition } from '../../../src/lib/core/segment/validate';
import { CHAINED_IDS, FIELDS, SEGMENT_IDS, dataSetArb, definitionsArb, json } from './arbitraries';
import { buildContacts, buildEvents, loadStatements } from './tables';

const NOW = Date.parse('2026-03-29T01:30:00Z');
const TZ = 'Europe/Brussels';

const TEXT_VALUES: Record<string, unknown> = {
  equals: "O'Brien",
  not_equals: 'Élodie',
  contains: "a%b|c_d+e*f|x\\y|it's",
  not_contains: 'gold+vip',
  starts_with: '50%',
  ends_with: '_x',
  in: ['Gold', 'Straße'],
  not_in: ['œuvre']
};
const NUMBER_VALUES: Record<string, unknown> = { between: [0.1, 1e21] };
const DATE_VALUES: Record<string, unknown> = {
  on: '2026-03-29',
  before: '2026-10-25',
  after: '2024-02-29',
  between: ['2026-03-29', '2026-10-25'],
  in_last: { n: 1, unit: 'months' },
  not_in_last: { n: 7, unit: 'days' },
  more_than_ago: { n: 2, unit: 'weeks' },
  in_next: { n: 3, unit: 'days' },
  age_equals: 18,
  age_gt: 17,
  age_lt: 65,
  age_between: [18, 25],
  anniversary_in: 'week'
};

/** One condition per rule and field type, plus every event/email/segment/sample shape. */
function everyCondition(): Condition[] {
  const out: Condition[] = [];
  const attr = (field: string, rule: string, value: unknown, caseSensitive?: boolean) =>
    out.push({ kind: 'attribute', field, rule, value, caseSensitive } as Condition);
  for (const rule of TEXT_RULES) {
    const value = rule.endsWith('empty') ? undefined : TEXT_VALUES[rule];
    attr('name', rule, value);
    attr('email', rule, value, true);
  }
  for (const rule of NUMBER_RULES) {
    attr('score', rule, rule.endsWith('empty') ? undefined : (NUMBER_VALUES[rule] ?? -2.5));
  }
  for (const rule of DATE_RULES) {
    const value = rule.endsWith('empty') ? undefined : DATE_VALUES[rule];
    attr('birth', rule, value);
    attr('seen', rule, value);
  }
  attr('seen', 'anniversary_in', 'month');
  for (const rule of BOOLEAN_RULES) attr('optin', rule, undefined);
  const windows = [
    undefined,
    { last: { n: 7, unit: 'days' } },
    { between: ['2026-07-01', '2026-09-30'] }
  ];
  const counts = [
    undefined,
    { op: 'at_least', n: 5 },
    { op: 'at_most', n: 2 },
    { op: 'exactly', n: 0 },
    { op: 'exactly', n: 3 }
  ];
  for (const window of windows) {
    for (const count of counts) {
      out.push({ kind: 'event', event: "page'view", count, window } as Condition);
      out.push({ kind: 'email', activity: 'opened', emailing: 'em-1', count, window } as Condition);
    }
    out.push({
      kind: 'event',
      event: 'purchase',
      target: { rule: 'contains', value: 'offer-42' },
      first: true,
      window
    } as Condition);
  }
  out.push({ kind: 'event', event: 'purchase', lapsed: { n: 3, unit: 'months' } });
  out.push({ kind: 'segment', segment: "s'1", member: true });
  out.push({ kind: 'segment', segment: 's2', member: false });
  out.push({ kind: 'sample', buckets: 10, bucket: 3, seed: "x'y" });
  return out;
}

/** Balanced parentheses outside literals and quoted identifiers; every literal closed. */
function checkWellFormed(sql: string): void {
  let depth = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '-' && sql[i + 1] === '-') {
      i = sql.indexOf('\n', i);
      if (i < 0) break;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw new Error(`unterminated ${c} at ${i}`);
        if (sql[j] === c) {
          if (sql[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      i = j;
    } else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth < 0) throw new Error(`unbalanced ) at ${i}`);
    }
    i++;
  }
  expect(depth).toBe(0);
}

describe('PostgreSQL dialect', () => {
  it('compiles every rule to well-formed PostgreSQL', () => {
    const conditions = everyCondition();
    const defs: Definition[] = [
      ...conditions.map((c) => ({
        version: 1 as const,
        root: { kind: 'group' as const, match: 'all' as const, children: [c] }
      })),
      {
        version: 1,
        root: {
          kind: 'group',
          match: 'any',
          children: [
            { kind: 'group', match: 'none', children: conditions.slice(0, 20) },
            { kind: 'group', match: 'all', children: conditions.slice(20) },
            { kind: 'group', match: 'any', children: [] }
          ]
        }
      }
    ];
    for (const def of defs) {
      expect(validateDefinition(def, { fields: FIELDS })).toEqual([]);
      const sql = toSql(def, {
        fields: FIELDS,
        identity: 'id',
        dialect: 'postgres',
        now: NOW,
        timeZone: TZ
      });
      checkWellFormed(sql);
      expect(sql).toMatch(/^-- Slice segment \(PostgreSQL\)/);
      expect(sql).toMatch(/ORDER BY contact_id$/);
      for (const duckOnly of [/strip_accents/, /UBIGINT/, /\btrim\(/, /epoch_ms/]) {
        expect(sql).not.toMatch(duckOnly);
      }
    }
    const all = toSql(defs[defs.length - 1], {
      fields: FIELDS,
      identity: 'id',
      dialect: 'postgres',
      now: NOW,
      timeZone: TZ
    });
    expect(all).toContain('normalize(');
    expect(all).toContain('AS BIT(32)');
    expect(all).toContain(`AT TIME ZONE 'Europe/Brussels'`);
    expect(all).toContain(`ESCAPE '\\'`);
    expect(all).toContain(`LIKE '%a\\%b%'`);
    expect(all).toContain(`'%c\\_d%'`);
    expect(all).toContain("segment_id = 's''1'");
    expect(all).toContain(`"type" = 'page''view'`);
  });
});

const PG_ARGS = process.env.SLICE_TEST_PG?.split(/\s+/).filter(Boolean);

function psql(script: string): string {
  return execFileSync(
    'psql',
    ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', ...(PG_ARGS ?? []), '-f', '-'],
    {
      input: script,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024
    }
  );
}

describe.runIf(PG_ARGS !== undefined)(
  'engine agrees with a PostgreSQL server (SLICE_TEST_PG)',
  () => {
    it('returns the same members for random data and definitions', () => {
      let checked = 0;
      const arb = dataSetArb().chain((data) =>
        definitionsArb(data.now).map((defs) => ({ data, defs }))
      );
      fc.assert(
        fc.property(arb, ({ data, defs }) => {
          const contacts = buildContacts(FIELDS, data.rows, data.identity);
          const events = buildEvents(contacts.rowCount, data.events);
          const delivery = buildEvents(contacts.rowCount, data.delivery);
          const members = Object.fromEntries(
            SEGMENT_IDS.map((id) => [id, fromIndices(data.segments[id], contacts.rowCount)])
          );
          const sqlOf = (def: Definition) =>
            toSql(def, {
              fields: FIELDS,
              identity: data.identity,
              dialect: 'postgres',
              now: data.now,
              timeZone: data.timeZone
            });
          const queries = defs.map(sqlOf);
          // Segment in segment in segment: each side stores its own evaluation of sC and sD.
          const chain: string[] = [];
          for (const [i, id] of CHAINED_IDS.entries()) {
            members[id] = evaluateDefinition(
              data.chain[i],
              { contacts, events, delivery },
              { now: data.now, timeZone: data.timeZone, segmentMembers: (s) => members[s] }
            );
            chain.push(
              `INSERT INTO segment_members SELECT '${id}', contact_id FROM (${sqlOf(data.chain[i])}\n) q;`
            );
          }
          const script = [
            'BEGIN;',
            `SET LOCAL TimeZone = '${data.sessionTimeZone}';`,
            ...loadStatements(contacts, events, data.segments, 'postgres', {
              ...data,
              delivery
            }).map((s) => s + ';'),
            ...chain,
            ...queries.flatMap((q, i) => [`\\echo @@${i}`, q + ';']),
            'ROLLBACK;'
          ].join('\n');
          const results: number[][] = queries.map(() => []);
          let current = -1;
          for (const line of psql(script).split('\n')) {
            if (line.startsWith('@@')) current = Number(line.slice(2));
            else if (line.trim() !== '' && current >= 0) results[current].push(Number(line));
          }
          defs.forEach((def, i) => {
            const engine = [
              ...toIndices(
                evaluateDefinition(
                  def,
                  { contacts, events, delivery },
                  { now: data.now, timeZone: data.timeZone, segmentMembers: (id) => members[id] }
                )
              )
            ];
            checked++;
            if (json(engine) !== json(results[i])) {
              throw new Error(
                `engine and PostgreSQL disagree:\n${json({ data, definition: def, engine, postgres: results[i], sql: queries[i] })}`
              );
            }
          });
        }),
        { numRuns: Number(process.env.SLICE_TEST_PG_RUNS ?? 60), seed: 20261123 }
      );
      expect(checked).toBeGreaterThan(0);
    });
  }
);
