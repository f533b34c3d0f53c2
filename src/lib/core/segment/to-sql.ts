/**
 * toSql: compiles a segment definition to one SQL query (DuckDB or PostgreSQL) over the
 * documented tables (docs/segments.md):
 *   contacts(contact_id, <one column per field>)
 *   events(contact_id, type, target, at, emailing_id)
 *   email_activity(contact_id, type, emailing_id, at)  -- what the relay and providers reported
 *   segment_members(segment_id, contact_id)
 * It reads the same lowered plans as the evaluator (lower.ts): relative dates become literal
 * bounds computed from now/timeZone at export time, text values are folded here and columns
 * are folded in SQL by an expression that computes foldText. Every condition expression is
 * two-valued (never NULL), so NOT and the empty-value rules behave as in the engine: event and
 * membership tests are correlated EXISTS / NOT EXISTS, never IN / NOT IN, because one NULL
 * contact_id in a subquery's result makes `x NOT IN (…)` NULL for every contact (and `x IN
 * (…)` NULL instead of false, which NOT then keeps NULL).
 */
import type { FieldSpec, FieldType } from '../columns/types';
import type { Definition, SegmentNode } from './definition';
import { DAY_MS, formatIsoDay, formatUtcTimestamp, isValidTimeZone } from './dates';
import { InvalidDefinitionError } from './invalid-definition';
import {
  countMatches,
  lowerCondition,
  type AttributePlan,
  type EventPlan,
  type RangePlan,
  type TextPlan
} from './lower';
import { TRIM_CHARS } from '../text/fold';
import { validateDefinition } from './validate';

export type SqlDialect = 'duckdb' | 'postgres';

/** What email conditions read: the events table's rows and the email_activity table's. */
const EMAIL_EVENTS =
  '(SELECT contact_id, "type", emailing_id, "at" FROM events UNION ALL SELECT contact_id, "type", emailing_id, "at" FROM email_activity)';

export interface SqlOptions {
  fields: FieldSpec[];
  /** Name of the identity field (for sample conditions). */
  identity: string;
  dialect: SqlDialect;
  now: number;
  timeZone: string;
}

export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

export function quoteLiteral(s: string): string {
  // Standard SQL literal: backslashes are ordinary characters in both dialects
  // (PostgreSQL with standard_conforming_strings, the default since 9.1). NUL cannot be stored.
  return "'" + s.replace(/\0/g, '').replace(/'/g, "''") + "'";
}

/** LIKE body with %, _ and the escape character itself escaped (used with ESCAPE '\'). */
function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

/**
 * An instant as an untyped literal with an explicit UTC offset. Both databases give an untyped
 * literal the type of the column it is compared with: a TIMESTAMP column (UTC wall time, the
 * documented schema) reads it ignoring the offset, a TIMESTAMPTZ column reads the offset. A
 * typed `TIMESTAMP '…'` would be converted with the session's TimeZone when compared with a
 * TIMESTAMPTZ column, and a typed `TIMESTAMPTZ '…'` would convert a TIMESTAMP column that way.
 */
function instantLiteral(ms: number): string {
  return `'${formatUtcTimestamp(ms)}+00'`;
}

function numberLiteral(v: number, d: SqlDialect): string {
  // From a string so the database parses the exact double JavaScript holds (not a DECIMAL).
  return `CAST('${String(v)}' AS ${d === 'duckdb' ? 'DOUBLE' : 'DOUBLE PRECISION'})`;
}

let marksClass: string | null = null;

/**
 * A regex bracket expression of every combining mark (\p{M}) for PostgreSQL, whose regex
 * engine has no Unicode property classes. Built once from the JavaScript Unicode tables, so
 * it strips exactly what foldText strips.
 */
function postgresMarksClass(): string {
  if (marksClass) return marksClass;
  const re = /\p{M}/u;
  const esc = (cp: number) =>
    cp <= 0xffff
      ? '\\u' + cp.toString(16).padStart(4, '0')
      : '\\U' + cp.toString(16).padStart(8, '0');
  let out = '[';
  let start = -1;
  for (let cp = 0; cp <= 0x110000; cp++) {
    const isMark =
      cp < 0x110000 && (cp < 0xd800 || cp > 0xdfff) && re.test(String.fromCodePoint(cp));
    if (isMark && start < 0) start = cp;
    if (!isMark && start >= 0) {
      out += cp - 1 === start ? esc(start) : `${esc(start)}-${esc(cp - 1)}`;
      start = -1;
    }
  }
  marksClass = out + ']';
  return marksClass;
}

class SqlWriter {
  private readonly fields: Map<string, FieldSpec>;
  private readonly d: SqlDialect;
  private readonly trimSet: string;
  /** Whether the PostgreSQL query needs the combining-marks class (defined once, in a CTE). */
  usesMarks = false;

  constructor(private readonly opts: SqlOptions) {
    this.fields = new Map(opts.fields.map((f) => [f.name, f]));
    this.d = opts.dialect;
    this.trimSet = [...TRIM_CHARS].map((c) => `chr(${c.codePointAt(0)})`).join(' || ');
  }

  private trim(col: string): string {
    return this.d === 'duckdb' ? `trim(${col}, ${this.trimSet})` : `btrim(${col}, ${this.trimSet})`;
  }

  /** SQL for foldText (core/text/fold.ts) applied to a column. */
  private fold(col: string): string {
    const lowered = `lower(${this.trim(col)})`;
    if (this.d === 'postgres') this.usesMarks = true;
    // PostgreSQL has no strip_accents: the class of every combining mark is long, so it is
    // written once in the slice_marks CTE and read by a scalar subquery (evaluated once).
    const stripped =
      this.d === 'duckdb'
        ? `strip_accents(${lowered})`
        : `normalize(regexp_replace(normalize(${lowered}, NFD), (SELECT re FROM slice_marks), '', 'g'), NFC)`;
    return `replace(replace(replace(${stripped}, 'ß', 'ss'), 'œ', 'oe'), 'æ', 'ae')`;
  }

  private textTest(col: string, plan: TextPlan): string {
    const empty = `(${col} IS NULL OR ${this.trim(col)} = '')`;
    const nonEmpty = `(${col} IS NOT NULL AND ${this.trim(col)} <> '')`;
    if (plan.op === 'empty') return plan.negate ? nonEmpty : empty;
    const key = plan.caseSensitive ? this.trim(col) : this.fold(col);
    const like = (body: string) => `${key} LIKE ${quoteLiteral(body)} ESCAPE '\\'`;
    let match: string;
    switch (plan.op) {
      case 'equals':
        match = `${key} = ${quoteLiteral(plan.keys[0])}`;
        break;
      case 'in':
        match = `${key} IN (${plan.keys.map(quoteLiteral).join(', ')})`;
        break;
      case 'starts_with':
        match = like(likeEscape(plan.keys[0]) + '%');
        break;
      case 'ends_with':
        match = like('%' + likeEscape(plan.keys[0]));
        break;
      case 'contains':
        match = plan.pattern
          .map((parts) =>
            parts.map((pieces) => like('%' + pieces.map(likeEscape).join('%') + '%')).join(' AND ')
          )
          .map((s) => `(${s})`)
          .join(' OR ');
        if (plan.pattern.length === 0) match = 'FALSE';
        break;
    }
    return plan.negate
      ? `(${empty.slice(1, -1)} OR NOT (${match}))`
      : `(${nonEmpty.slice(1, -1)} AND (${match}))`;
  }

  private bound(type: FieldType, v: number): string {
    if (type === 'date') return `DATE '${formatIsoDay(Math.floor(v / DAY_MS))}'`;
    if (type === 'datetime') return instantLiteral(v);
    return numberLiteral(v, this.d);
  }

  private range(col: string, type: FieldType, r: RangePlan): string {
    const parts: string[] = [];
    if (r.lo !== -Infinity)
      parts.push(`${col} ${r.loInclusive ? '>=' : '>'} ${this.bound(type, r.lo)}`);
    if (r.hi !== Infinity)
      parts.push(`${col} ${r.hiInclusive ? '<=' : '<'} ${this.bound(type, r.hi)}`);
    if (parts.length === 0) return r.negate ? `${col} IS NULL` : `${col} IS NOT NULL`;
    return r.negate
      ? `(${col} IS NULL OR NOT (${parts.join(' AND ')}))`
      : `(${col} IS NOT NULL AND ${parts.join(' AND ')})`;
  }

  private attribute(plan: AttributePlan): string {
    const col = quoteIdent(plan.field);
    switch (plan.kind) {
      case 'text':
        return this.textTest(col, plan.test);
      case 'range':
        return this.range(col, plan.type, plan.range);
      case 'boolean':
        return `${col} IS ${plan.value ? 'TRUE' : 'FALSE'}`;
      case 'empty':
        if (
          plan.type === 'text' ||
          plan.type === 'email' ||
          plan.type === 'phone' ||
          plan.type === 'category'
        ) {
          return this.textTest(col, { op: 'empty', negate: plan.negate });
        }
        return plan.negate ? `${col} IS NOT NULL` : `${col} IS NULL`;
      case 'anniversary': {
        // From the epoch seconds, which both TIMESTAMP (read as UTC) and TIMESTAMPTZ columns
        // give as the true instant; `to_timestamp` makes a TIMESTAMPTZ whatever the column.
        const epoch = this.d === 'duckdb' ? `epoch(${col})` : `EXTRACT(EPOCH FROM ${col})`;
        const local =
          plan.type === 'datetime'
            ? `(to_timestamp(${epoch}) AT TIME ZONE ${quoteLiteral(this.opts.timeZone)})`
            : col;
        const test = plan.keys
          ? `(EXTRACT(MONTH FROM ${local}) * 100 + EXTRACT(DAY FROM ${local})) IN (${plan.keys.join(', ')})`
          : `EXTRACT(MONTH FROM ${local}) = ${plan.month}`;
        return `(${col} IS NOT NULL AND ${test})`;
      }
    }
  }

  private event(plan: EventPlan): string {
    const types = plan.types.map(quoteLiteral);
    const base = [
      `e.contact_id = c.contact_id`,
      types.length === 1 ? `e."type" = ${types[0]}` : `e."type" IN (${types.join(', ')})`
    ];
    if (plan.emailing !== null) base.push(`e.emailing_id = ${quoteLiteral(plan.emailing)}`);
    if (plan.target) base.push(this.textTest('e."target"', plan.target));
    const inWindow: string[] = [];
    const w = plan.window;
    if (w)
      inWindow.push(
        `e."at" >= ${instantLiteral(w.lo)}`,
        `e."at" ${w.hiInclusive ? '<=' : '<'} ${instantLiteral(w.hi)}`
      );
    // Email conditions count imported email activity and the delivery activity together.
    const from = plan.email ? EMAIL_EVENTS : 'events';
    // Correlated on the contact: rows of other (or NULL) contact ids never take part.
    const events = (extra: string[], having = '') =>
      `SELECT 1 FROM ${from} e WHERE ${[...base, ...extra].join(' AND ')}${having}`;
    const exists = (extra: string[], having = '') => `EXISTS (${events(extra, having)})`;
    const notExists = (extra: string[], having = '') => `NOT EXISTS (${events(extra, having)})`;

    const parts: string[] = [];
    const { op, n } = plan.count;
    const sqlOp = op === 'at_least' ? '>=' : op === 'at_most' ? '<=' : '=';
    const zeroMatches = countMatches(plan.count, 0);
    if (op === 'at_least' && n <= 0) {
      // Everyone has at least 0 events.
    } else if (op === 'at_least' && n === 1) {
      parts.push(exists(inWindow));
    } else if (zeroMatches && n <= 0) {
      // exactly 0 / at most 0: an anti-join.
      parts.push(notExists(inWindow));
    } else if (zeroMatches) {
      // Contacts without any such event count 0 and match: exclude those whose count fails.
      // The aggregate runs over this contact's rows only (no GROUP BY: one row, count >= 0).
      parts.push(notExists(inWindow, ` HAVING NOT (count(*) ${sqlOp} ${n})`));
    } else {
      parts.push(exists(inWindow, ` HAVING count(*) ${sqlOp} ${n}`));
    }
    if (plan.first) {
      if (w) {
        parts.push(
          exists(
            [],
            ` HAVING min(e."at") >= ${instantLiteral(w.lo)} AND min(e."at") ${w.hiInclusive ? '<=' : '<'} ${instantLiteral(w.hi)}`
          )
        );
      } else {
        parts.push(exists([]));
      }
    }
    if (plan.lapsed) {
      const cut = instantLiteral(plan.lapsed.cut);
      parts.push(exists([`e."at" < ${cut}`]));
      parts.push(notExists([`e."at" >= ${cut}`, `e."at" <= ${instantLiteral(plan.lapsed.now)}`]));
    }
    if (parts.length === 0) return 'TRUE';
    return parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`;
  }

  private identityText(): string {
    const spec = this.fields.get(this.opts.identity);
    const col = quoteIdent(this.opts.identity);
    if (spec?.type === 'number') {
      // JavaScript writes whole numbers without ".0"; match that for id-like numbers. Up to
      // 2^53 every whole double is exact, so its digits are the BIGINT's (1e15 included).
      const text = this.d === 'duckdb' ? 'VARCHAR' : 'TEXT';
      return `(CASE WHEN ${col} = trunc(${col}) AND abs(${col}) <= 9007199254740991 THEN CAST(CAST(${col} AS BIGINT) AS ${text}) ELSE CAST(${col} AS ${text}) END)`;
    }
    if (
      spec &&
      spec.type !== 'text' &&
      spec.type !== 'email' &&
      spec.type !== 'phone' &&
      spec.type !== 'category'
    ) {
      return `CAST(${col} AS ${this.d === 'duckdb' ? 'VARCHAR' : 'TEXT'})`;
    }
    return col;
  }

  condition(node: Exclude<SegmentNode, { kind: 'group' }>): string {
    const plan = lowerCondition(node, this.fields, this.opts);
    switch (plan.kind) {
      case 'event':
        return this.event(plan);
      case 'segment': {
        const sub = `SELECT 1 FROM segment_members m WHERE m.segment_id = ${quoteLiteral(plan.segment)} AND m.contact_id = c.contact_id`;
        return `${plan.member ? 'EXISTS' : 'NOT EXISTS'} (${sub})`;
      }
      case 'sample': {
        const id = this.identityText();
        const prefix = `substr(md5(${quoteLiteral(plan.seed)} || ${id}), 1, 8)`;
        const hash =
          this.d === 'duckdb'
            ? `CAST('0x' || ${prefix} AS UBIGINT)`
            : `CAST(CAST('x' || ${prefix} AS BIT(32)) AS BIGINT)`;
        const nonEmpty = `${quoteIdent(this.opts.identity)} IS NOT NULL AND ${id} <> ''`;
        return `(${nonEmpty} AND ${hash} % ${plan.buckets} = ${plan.bucket})`;
      }
      default:
        return this.attribute(plan);
    }
  }

  node(node: SegmentNode, indent: string): string {
    if (node.kind !== 'group') return this.condition(node);
    const inner = indent + '  ';
    if (node.children.length === 0) return node.match === 'any' ? 'FALSE' : 'TRUE';
    const joiner = node.match === 'all' ? 'AND' : 'OR';
    const body = node.children.map((c) => this.node(c, inner)).join(`\n${inner}${joiner} `);
    const group = `(\n${inner}${body}\n${indent})`;
    return node.match === 'none' ? `NOT ${group}` : group;
  }
}

/**
 * One query returning the members' contact_id in file order. Throws InvalidDefinitionError
 * for a definition that does not validate against `opts.fields`.
 */
export function toSql(def: Definition, opts: SqlOptions): string {
  const errors = validateDefinition(def, { fields: opts.fields });
  if (errors.length > 0) throw new InvalidDefinitionError(errors);
  if (!isValidTimeZone(opts.timeZone)) throw new RangeError(`Unknown time zone "${opts.timeZone}"`);
  const w = new SqlWriter(opts);
  const where = w.node(def.root, '');
  const name = opts.dialect === 'duckdb' ? 'DuckDB' : 'PostgreSQL';
  return [
    `-- Slice segment (${name}); relative dates resolved at ${new Date(opts.now).toISOString()} in ${opts.timeZone}.`,
    ...(w.usesMarks
      ? [`WITH slice_marks(re) AS (SELECT ${quoteLiteral(postgresMarksClass())}::text)`]
      : []),
    'SELECT contact_id',
    'FROM contacts c',
    `WHERE ${where}`,
    'ORDER BY contact_id'
  ].join('\n');
}
