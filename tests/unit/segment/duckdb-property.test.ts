/**
 * Property-based proof that the engine and the exported SQL agree: random small data sets
 * (every field type, empty values, accented/case-variant strings, dates around DST changes and
 * leap days, events of several types/targets/times, stored segments) and random definitions
 * (every condition kind and rule, nested all/any/none groups, counts including 0, windows,
 * first, lapsed, sample) are evaluated by evaluateDefinition and by DuckDB running toSql's
 * query over the same data. A mismatch is shrunk by fast-check and printed as JSON.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromIndices, toIndices } from '../../../src/lib/core/columns/bitset';
import type { Condition, Definition } from '../../../src/lib/core/segment/definition';
import { EvalCache } from '../../../src/lib/core/segment/eval-cache';
import { evaluateDefinition } from '../../../src/lib/core/segment/evaluate';
import { toSql } from '../../../src/lib/core/segment/to-sql';
import { validateDefinition } from '../../../src/lib/core/segment/validate';
import {
  CHAINED_IDS,
  FIELDS,
  SEGMENT_IDS,
  SINGLES,
  TREES,
  dataSetArb,
  definitionsArb,
  json
} from './arbitraries';
import { buildContacts, buildEvents, loadIntoDuckDb, queryIds } from './tables';

const RUNS = 250;

describe('engine agrees with DuckDB on the exported SQL', () => {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    conn = await instance.connect();
    await conn.run("SET TimeZone = 'UTC'");
  });

  afterAll(() => {
    conn?.closeSync();
    instance?.closeSync();
  });

  it('returns the same members for random data and definitions', async () => {
    let checked = 0;
    let nonTrivial = 0;
    const trivialKinds: Record<string, number> = {};
    const arb = dataSetArb().chain((data) =>
      definitionsArb(data.now).map((defs) => ({ data, defs }))
    );
    await fc.assert(
      fc.asyncProperty(arb, async ({ data, defs }) => {
        const contacts = buildContacts(FIELDS, data.rows, data.identity);
        const events = buildEvents(contacts.rowCount, data.events);
        const delivery = buildEvents(contacts.rowCount, data.delivery);
        await conn.run(`SET TimeZone = '${data.sessionTimeZone}'`);
        await loadIntoDuckDb(conn, contacts, events, data.segments, { ...data, delivery });
        const members = Object.fromEntries(
          SEGMENT_IDS.map((id) => [id, fromIndices(data.segments[id], contacts.rowCount)])
        );
        const sqlOf = (def: Definition) =>
          toSql(def, {
            fields: FIELDS,
            identity: data.identity,
            dialect: 'duckdb',
            now: data.now,
            timeZone: data.timeZone
          });
        // Segment in segment in segment: sC over sA/sB, sD over sC, each stored by both sides
        // from its own evaluation (the database's membership from the database's query).
        for (const [i, id] of CHAINED_IDS.entries()) {
          const def = data.chain[i];
          members[id] = evaluateDefinition(
            def,
            { contacts, events, delivery },
            { now: data.now, timeZone: data.timeZone, segmentMembers: (s) => members[s] }
          );
          await conn.run(
            `INSERT INTO segment_members SELECT '${id}', contact_id FROM (${sqlOf(def)}\n) q`
          );
        }
        // A cache shared by the data set's definitions, as live counts use it: cached and
        // masked evaluations must agree with the plain one.
        const cache = new EvalCache();
        for (const def of defs) {
          const errors = validateDefinition(def, { fields: FIELDS });
          if (errors.length > 0)
            throw new Error(`generator made an invalid definition: ${json({ def, errors })}`);
          const engine = [
            ...toIndices(
              evaluateDefinition(
                def,
                { contacts, events, delivery },
                {
                  now: data.now,
                  timeZone: data.timeZone,
                  segmentMembers: (id) => members[id]
                }
              )
            )
          ];
          const cached = [
            ...toIndices(
              evaluateDefinition(
                def,
                { contacts, events, delivery },
                {
                  now: data.now,
                  timeZone: data.timeZone,
                  segmentMembers: (id) => members[id],
                  cache
                }
              )
            )
          ];
          if (json(cached) !== json(engine)) {
            throw new Error(
              `cached evaluation differs:\n${json({ data, definition: def, engine, cached })}`
            );
          }
          const sql = sqlOf(def);
          const duck = await queryIds(conn, sql);
          checked++;
          if (engine.length > 0 && engine.length < contacts.rowCount) nonTrivial++;
          else if (process.env.SEGMENT_PROPERTY_STATS && def.root.children.length === 1) {
            const c = def.root.children[0] as Condition;
            const k = c.kind === 'attribute' ? `${c.field}:${c.rule}` : c.kind;
            trivialKinds[k] = (trivialKinds[k] ?? 0) + 1;
          }
          if (json(engine) !== json(duck)) {
            throw new Error(
              `engine and DuckDB disagree:\n${json({ data, definition: def, engine, duckdb: duck, sql })}`
            );
          }
        }
      }),
      {
        numRuns: RUNS,
        seed: Number(process.env.SEGMENT_PROPERTY_SEED ?? 20261123),
        endOnFailure: false
      }
    );
    expect(checked).toBeGreaterThanOrEqual(RUNS * (TREES + SINGLES));
    // The generated cases must discriminate: most results are neither nobody nor everybody.
    expect(nonTrivial / checked).toBeGreaterThan(0.3);
    if (process.env.SEGMENT_PROPERTY_STATS) console.log({ checked, nonTrivial, trivialKinds });
    // About 35 s on a quiet 2-core machine; beside the rest of the suite it can take thrice that.
  }, 360_000);
});

describe('anti-joins over NULL and unknown contact ids', () => {
  it('a NULL contact_id in events or segment_members changes no count, lapse or membership', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      const now = Date.UTC(2026, 10, 23, 12);
      const fields = FIELDS;
      const rows = [0, 1, 2, 3].map((i) => ({ id: `c${i}` }));
      const contacts = buildContacts(fields, rows, 'id');
      const day = 86_400_000;
      const events = buildEvents(4, [
        { row: 0, type: 'purchase', target: '', at: now - 100 * day },
        { row: 1, type: 'purchase', target: '', at: now - 1 * day },
        { row: 1, type: 'purchase', target: '', at: now - 2 * day },
        { row: 2, type: 'page_view', target: '', at: now - 2 * day }
      ]);
      const segments = { sA: [0, 2], sB: [] };
      await loadIntoDuckDb(conn, contacts, events, segments, {
        strayEvents: [
          { contactId: null, type: 'purchase', target: '', at: now - day },
          { contactId: 99, type: 'purchase', target: '', at: now - day }
        ],
        strayMembers: [
          { segment: 'sA', contactId: null },
          { segment: 'sB', contactId: null }
        ]
      });
      const members = { sA: fromIndices([0, 2], 4), sB: fromIndices([], 4) };
      const one = (c: Condition): Definition => ({
        version: 1,
        root: { kind: 'group', match: 'all', children: [c] }
      });
      const none = (c: Condition): Definition => ({
        version: 1,
        root: { kind: 'group', match: 'none', children: [c] }
      });
      const cases: [Definition, number[]][] = [
        [one({ kind: 'event', event: 'purchase', count: { op: 'exactly', n: 0 } }), [2, 3]],
        [one({ kind: 'event', event: 'purchase', count: { op: 'at_most', n: 1 } }), [0, 2, 3]],
        [one({ kind: 'event', event: 'purchase', lapsed: { n: 1, unit: 'months' } }), [0]],
        [one({ kind: 'segment', segment: 'sA', member: false }), [1, 3]],
        [one({ kind: 'segment', segment: 'sB', member: false }), [0, 1, 2, 3]],
        [none({ kind: 'segment', segment: 'sA', member: true }), [1, 3]],
        [none({ kind: 'event', event: 'purchase' }), [2, 3]]
      ];
      for (const [def, expected] of cases) {
        const engine = [
          ...toIndices(
            evaluateDefinition(
              def,
              { contacts, events },
              { now, timeZone: 'UTC', segmentMembers: (id) => members[id as 'sA'] }
            )
          )
        ];
        expect(engine, json(def)).toEqual(expected);
        const sql = toSql(def, { fields, identity: 'id', dialect: 'duckdb', now, timeZone: 'UTC' });
        expect(await queryIds(conn, sql), json(def)).toEqual(expected);
      }
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});
