/**
 * evaluateDefinition: the segment engine. Turns a validated definition into the bitset of
 * matching contact rows, over the columnar tables, with an explicit now and time zone.
 *
 * How it stays fast (ARCHITECTURE.md, "Engine design notes"):
 * - text rules run once per dictionary entry (lazily, memoised per code) and map to rows
 *   through the codes; number/date rules are one tight loop over the Float64Array;
 * - groups combine word-wise; children run cheapest first, and each later child only looks at
 *   the rows still undecided (the "mask": whole words skipped, and once under one row in eight
 *   is left, only its set bits visited); `all` stops at an empty accumulator, `any`/`none` at
 *   a full one;
 * - an event condition is one pass over the CSR arrays, per contact, windows found by binary
 *   search in the time-sorted events;
 * - with an EvalCache, unchanged conditions are reused between live counts; per-dictionary
 *   text results and sample hashes are kept in it too (without one, in a cache of the
 *   evaluation's own, dropped after it). Nothing is kept per dictionary entry but the rule's
 *   result: a text is folded when it is tested.
 *
 * Invariant of a masked evaluation: the returned bitset is correct on the rows of the mask and
 * arbitrary elsewhere; results computed under a mask are cached with it (getPartial).
 */
import {
  clearTail,
  createBitset,
  fullBitset,
  notInPlace,
  popcount,
  resizeBitset,
  type Bitset
} from '../columns/bitset';
import type { ContactTable, EventTable, FieldSpec, StringColumn } from '../columns/types';
import type { Condition, Definition, Group, SegmentNode } from './definition';
import { DAY_MS, civilFromDays, zoneClock } from './dates';
import { EvalCache, canonicalJson } from './eval-cache';
import {
  countMatches,
  lowerCondition,
  type AttributePlan,
  type ConditionPlan,
  type EventPlan,
  type RangePlan,
  type TextPlan
} from './lower';
import { RELATIVE_DATE_RULES } from './rules';
import { hasSampleHashes, sampleHashes } from './sample';
import { trimText } from '../text/fold';
import { batchMatcher, keyMatcher, textKey, type BatchMatcher, type KeyMatcher } from './text';
import { InvalidDefinitionError } from './invalid-definition';
import { validateDefinition } from './validate';

export interface EvalContext {
  /** Epoch milliseconds used for every relative date. */
  now: number;
  /** IANA time zone of calendar days (e.g. "Europe/Brussels"). */
  timeZone: string;
  /** Stored membership of another segment, or undefined when unknown (= no members). */
  segmentMembers?: (id: string) => Bitset | undefined;
  cache?: EvalCache;
  /** Set `cancelled` to stop the evaluation between conditions (EvaluationCancelled is thrown). */
  signal?: { cancelled: boolean };
  /** Any value that changes when the data change in place; clears the cache when it does. */
  dataVersion?: unknown;
  /**
   * The version of EvalData.delivery: email condition results are kept per version, so new
   * delivery events recount email conditions only.
   */
  deliveryVersion?: number;
}

export interface EvalData {
  contacts: ContactTable;
  events: EventTable;
  /**
   * The delivery activity (deliveryActivityTable): what the relay and providers reported,
   * read by email conditions beside the email activity of imported events. Absent: none.
   */
  delivery?: EventTable;
}

export class EvaluationCancelled extends Error {
  constructor() {
    super('Segment evaluation cancelled');
    this.name = 'EvaluationCancelled';
  }
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** Smallest double greater than x (x finite or -Infinity). */
function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  f64[0] = x;
  u64[0] += x > 0 ? 1n : -1n;
  return f64[0];
}

function nextDown(x: number): number {
  return -nextUp(-x);
}

// ---------------------------------------------------------------------------------------------
// Text: a rule is tested once per dictionary entry (lazily for large dictionaries: a 1M-entry
// email dictionary is only tested where the mask still needs it) and mapped to rows by code.

/** Whether a non-blank text, in comparison form, matches the plan before negation. */
/** What a text plan needs built once per dictionary rather than once per entry. */
interface TextPrep {
  inSet: Set<string> | null;
  contains: KeyMatcher | null;
  /** Decides `contains` for many raw texts at once, without folding them (batchMatcher). */
  batch: BatchMatcher | null;
}

function prepareText(plan: TextPlan): TextPrep {
  return {
    inSet: plan.op === 'in' && plan.keys.length > 8 ? new Set(plan.keys) : null,
    contains: plan.op === 'contains' ? keyMatcher(plan.pattern) : null,
    batch: plan.op === 'contains' && !plan.caseSensitive ? batchMatcher(plan.pattern) : null
  };
}

function textMatch(plan: TextPlan, key: string, prep: TextPrep): boolean {
  switch (plan.op) {
    case 'equals':
      return key === plan.keys[0];
    case 'in':
      return prep.inSet ? prep.inSet.has(key) : plan.keys.includes(key);
    case 'starts_with':
      return key.startsWith(plan.keys[0]);
    case 'ends_with':
      return key.endsWith(plan.keys[0]);
    case 'contains':
      return prep.contains!(key);
    case 'empty':
      return false;
  }
}

/** Result of a text plan for one dictionary entry (blank entries are empty values). */
function textEntry(plan: TextPlan, raw: string | undefined, prep: TextPrep): boolean {
  if (raw === undefined) return plan.op === 'empty' ? !plan.negate : plan.negate;
  // The comparison form is trimmed, so it is empty for every blank entry (and for the rare
  // entry made only of marks that folding removes, which is not blank).
  const key = textKey(raw, plan.op === 'empty' || plan.caseSensitive);
  const blank = key.length === 0 && trimText(raw).length === 0;
  if (plan.op === 'empty') return plan.negate ? !blank : blank;
  if (blank) return plan.negate;
  const hit = textMatch(plan, key, prep);
  return plan.negate ? !hit : hit;
}

/** Texts handed to a batch matcher at once: their joined copy stays small (cache-sized). */
const BATCH = 8192;

/** Memo mark of a code queued for computeMany (not computed yet either). */
const QUEUED = -2;

/**
 * Per-code results of a text plan: 1 match, 0 no match, -1 not computed yet. Small
 * dictionaries are computed up front; large ones (an email per contact) lazily, only for the
 * codes of the rows that still matter.
 */
class CodeResults {
  readonly memo: Int8Array;
  private readonly prep: TextPrep;
  private complete = false;

  constructor(
    private readonly plan: TextPlan,
    private readonly dict: string[]
  ) {
    this.prep = prepareText(plan);
    this.memo = new Int8Array(dict.length).fill(-1);
    // Code 0 is the empty value whatever the dictionary holds there.
    this.memo[0] = +(plan.op === 'empty' ? !plan.negate : plan.negate);
  }

  /** Computes every entry not computed yet. */
  fill(): void {
    if (this.complete) return;
    const { memo, dict } = this;
    const codes = new Int32Array(dict.length);
    let count = 0;
    for (let c = 1; c < dict.length; c++) if (memo[c] < 0) codes[count++] = c;
    this.computeMany(codes, count);
    this.complete = true;
  }

  /** Computes the entries of codes[0..count) (distinct, none computed yet). */
  computeMany(codes: Int32Array, count: number): void {
    const { memo, dict, plan, prep } = this;
    const batch = prep.batch;
    if (batch === null) {
      for (let i = 0; i < count; i++) memo[codes[i]] = +textEntry(plan, dict[codes[i]], prep);
      return;
    }
    const texts: string[] = [];
    for (let from = 0; from < count; from += BATCH) {
      const to = Math.min(count, from + BATCH);
      texts.length = 0;
      for (let i = from; i < to; i++) texts.push(dict[codes[i]] ?? '');
      const found = batch(texts);
      for (let i = from; i < to; i++) {
        const r = found[i - from];
        const code = codes[i];
        // Undecided (-1) or a missing entry: the general path.
        memo[code] =
          r < 0 || dict[code] === undefined
            ? +textEntry(plan, dict[code], prep)
            : +(plan.negate ? r === 0 : r === 1);
      }
    }
  }
}

/** Bits of the rows a word still needs: the mask's word, or every row of the word. */
function wordNeed(mask: Bitset | null, w: number, rowCount: number): number {
  if (mask !== null) return mask[w];
  const rest = rowCount - (w << 5);
  return rest >= 32 ? -1 : (1 << rest) - 1;
}

// ---------------------------------------------------------------------------------------------
// Row loops. Each fills `out` word by word and skips words whose mask is zero; cheap loops
// test all 32 rows of a needed word (branch-free), expensive ones only the needed rows.

/** Whether a text rule over this dictionary is computed lazily (see CodeResults). */
function isLazyDictionary(dict: string[], rowCount: number): boolean {
  return dict.length * 4 > rowCount && dict.length > 4096;
}

/**
 * Whether a mask is sparse enough (under one row in eight) that the loops below visit its set
 * bits one by one instead of testing all 32 rows of each word: after a few conditions of an
 * `all` group, most words keep a row or two.
 */
function isSparse(mask: Bitset | null, rowCount: number): boolean {
  return mask !== null && popcount(mask) * 4 < rowCount;
}

/**
 * Per-code results survive between evaluations in the EvalCache (keyed by dictionary and
 * plan), so a live count over a million distinct emails only ever tests each entry once.
 */
function codeResultsFor(
  cache: EvalCache,
  plan: TextPlan,
  dict: string[],
  eager: boolean
): CodeResults {
  const results = cache.derive(
    dict,
    `text:${JSON.stringify(plan)}`,
    () => new CodeResults(plan, dict),
    (r) => r.memo.byteLength,
    (r) => r.memo.length === dict.length
  );
  if (eager) results.fill();
  return results;
}

// textRows, rangeRows, byteRows and sampleRows each repeat the word loop on purpose: a shared
// loop taking a per-row test would cost a call per row in the hottest code of a count. Each
// has a dense form (all 32 rows of a needed word, branch-free) and a sparse one (set bits of
// the mask only), chosen once per call by isSparse.
function textRows(
  cache: EvalCache,
  col: StringColumn,
  plan: TextPlan,
  rowCount: number,
  mask: Bitset | null
): Bitset {
  const out = createBitset(rowCount);
  const codes = col.codes;
  const eager = !isLazyDictionary(col.dict, rowCount);
  const results = codeResultsFor(cache, plan, col.dict, eager);
  const memo = results.memo;
  if (eager && !isSparse(mask, rowCount)) {
    const ok = Uint8Array.from(memo);
    for (let w = 0; w < out.length; w++) {
      if (mask !== null && mask[w] === 0) continue;
      const base = w << 5;
      const end = Math.min(32, rowCount - base);
      let bits = 0;
      for (let j = 0; j < end; j++) bits |= ok[codes[base + j]] << j;
      out[w] = bits;
    }
    return out;
  }
  // Lazy: the codes of the needed rows not computed yet are computed together first (a batch
  // matcher tests thousands of texts in a few calls), then the rows read their results.
  let queued = new Int32Array(1024);
  let count = 0;
  for (let w = 0; w < out.length; w++) {
    let need = wordNeed(mask, w, rowCount);
    const base = w << 5;
    while (need !== 0) {
      const low = need & -need;
      need ^= low;
      const code = codes[base + 31 - Math.clz32(low)];
      if (memo[code] !== -1) continue;
      memo[code] = QUEUED;
      if (count === queued.length) {
        const grown = new Int32Array(count * 2);
        grown.set(queued);
        queued = grown;
      }
      queued[count++] = code;
    }
  }
  try {
    results.computeMany(queued, count);
  } catch (e) {
    // The memo outlives this call in the cache: nothing may stay marked as queued.
    for (let i = 0; i < count; i++) if (memo[queued[i]] === QUEUED) memo[queued[i]] = -1;
    throw e;
  }
  for (let w = 0; w < out.length; w++) {
    let need = wordNeed(mask, w, rowCount);
    const base = w << 5;
    let bits = 0;
    while (need !== 0) {
      const low = need & -need;
      need ^= low;
      if (memo[codes[base + 31 - Math.clz32(low)]] === 1) bits |= low;
    }
    out[w] = bits;
  }
  return out;
}

function rangeRows(
  values: Float64Array,
  plan: RangePlan,
  rowCount: number,
  mask: Bitset | null
): Bitset {
  const out = createBitset(rowCount);
  const lo = plan.loInclusive ? plan.lo : nextUp(plan.lo);
  const hi = plan.hiInclusive ? plan.hi : nextDown(plan.hi);
  const negate = plan.negate;
  const sparse = isSparse(mask, rowCount);
  for (let w = 0; w < out.length; w++) {
    if (mask !== null && mask[w] === 0) continue;
    const base = w << 5;
    let bits = 0;
    if (sparse && mask !== null) {
      let need = mask[w];
      while (need !== 0) {
        const low = need & -need;
        need ^= low;
        const v = values[base + 31 - Math.clz32(low)];
        if (v >= lo && v <= hi) bits |= low;
      }
    } else {
      const end = Math.min(32, rowCount - base);
      for (let j = 0; j < end; j++) {
        const v = values[base + j];
        // NaN (empty) fails both comparisons: not in range, so negated plans match it.
        // Bitwise, not &&: random data would mispredict a branch per row.
        bits |= (+(v >= lo) & +(v <= hi)) << j;
      }
    }
    out[w] = negate ? ~bits : bits;
  }
  return clearTail(out, rowCount);
}

/** Rows whose byte equals `want` (booleans; 0 = empty). */
function byteRows(
  values: Uint8Array,
  want: number,
  negate: boolean,
  rowCount: number,
  mask: Bitset | null
): Bitset {
  const out = createBitset(rowCount);
  const sparse = isSparse(mask, rowCount);
  const ok = new Uint8Array(256);
  ok[want] = 1;
  for (let w = 0; w < out.length; w++) {
    if (mask !== null && mask[w] === 0) continue;
    const base = w << 5;
    let bits = 0;
    if (sparse && mask !== null) {
      let need = mask[w];
      while (need !== 0) {
        const low = need & -need;
        need ^= low;
        if (values[base + 31 - Math.clz32(low)] === want) bits |= low;
      }
    } else {
      const end = Math.min(32, rowCount - base);
      for (let j = 0; j < end; j++) bits |= ok[values[base + j]] << j;
    }
    out[w] = negate ? ~bits : bits;
  }
  return clearTail(out, rowCount);
}

/** Rows whose hash falls in the bucket (NaN, an empty identity, is in none). */
function sampleRows(
  hashes: Float64Array,
  buckets: number,
  bucket: number,
  rowCount: number,
  mask: Bitset | null
): Bitset {
  const out = createBitset(rowCount);
  for (let w = 0; w < out.length; w++) {
    if (mask !== null && mask[w] === 0) continue;
    const base = w << 5;
    const end = Math.min(32, rowCount - base);
    let bits = 0;
    for (let j = 0; j < end; j++) bits |= +(hashes[base + j] % buckets === bucket) << j;
    out[w] = bits;
  }
  return out;
}

/** Generic loop for the rarer, costlier tests (anniversaries): needed rows only. */
function predicateRows(
  rowCount: number,
  mask: Bitset | null,
  test: (row: number) => boolean
): Bitset {
  const out = createBitset(rowCount);
  for (let w = 0; w < out.length; w++) {
    let need = wordNeed(mask, w, rowCount);
    const base = w << 5;
    let bits = 0;
    while (need !== 0) {
      const low = need & -need;
      need ^= low;
      if (test(base + 31 - Math.clz32(low))) bits |= low;
    }
    out[w] = bits;
  }
  return out;
}

function attributeRows(
  plan: AttributePlan,
  contacts: ContactTable,
  mask: Bitset | null,
  timeZone: string,
  cache: EvalCache
): Bitset {
  const n = contacts.rowCount;
  const col = contacts.columns[plan.field];
  switch (plan.kind) {
    case 'empty': {
      if (!col) return plan.negate ? createBitset(n) : fullBitset(n);
      if (col.kind === 'number') {
        // Empty = NaN = outside every range.
        const all = { lo: -Infinity, loInclusive: true, hi: Infinity, hiInclusive: true };
        return rangeRows(col.values, { ...all, negate: !plan.negate }, n, mask);
      }
      if (col.kind === 'boolean') return byteRows(col.values, 0, plan.negate, n, mask);
      return textRows(cache, col, { op: 'empty', negate: plan.negate }, n, mask);
    }
    case 'text':
      if (!col || col.kind !== 'string') {
        // No such column: every value is empty, which only negated rules match.
        return plan.test.negate ? fullBitset(n) : createBitset(n);
      }
      return textRows(cache, col, plan.test, n, mask);
    case 'range':
      if (!col || col.kind !== 'number') return plan.range.negate ? fullBitset(n) : createBitset(n);
      return rangeRows(col.values, plan.range, n, mask);
    case 'boolean':
      if (!col || col.kind !== 'boolean') return createBitset(n);
      return byteRows(col.values, plan.value ? 2 : 1, false, n, mask);
    case 'anniversary': {
      if (!col || col.kind !== 'number') return createBitset(n);
      const v = col.values;
      const keys = plan.keys ? new Set(plan.keys) : null;
      const clock = plan.type === 'datetime' ? zoneClock(timeZone) : null;
      return predicateRows(n, mask, (r) => {
        const x = v[r];
        if (Number.isNaN(x)) return false;
        const day = clock ? clock.localDay(x) : Math.floor(x / DAY_MS);
        const c = civilFromDays(day);
        return keys ? keys.has(c.month * 100 + c.day) : c.month === plan.month;
      });
    }
  }
}

/** First index in [lo, hi) whose time is >= t (events of one contact are sorted by time). */
function lowerBound(at: Float64Array, t: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One table's share of an event plan: which type and target codes count. */
interface EventSource {
  table: EventTable;
  typeOk: Uint8Array;
  targetOk: Uint8Array | null;
}

function eventSource(plan: EventPlan, table: EventTable, cache: EvalCache): EventSource | null {
  if (table.count === 0) return null;
  const typeOk = new Uint8Array(table.types.length);
  let any = false;
  for (const name of plan.types) {
    const code = table.types.indexOf(name);
    if (code >= 0) {
      typeOk[code] = 1;
      any = true;
    }
  }
  if (!any) return null;
  // Target test per target code, computed once (1 = the event's target passes).
  let targetOk: Uint8Array | null = null;
  if (plan.emailing !== null) {
    targetOk = new Uint8Array(table.targets.length);
    const code = table.targets.indexOf(plan.emailing);
    if (code < 0) return null;
    targetOk[code] = 1;
  } else if (plan.target) {
    targetOk = Uint8Array.from(codeResultsFor(cache, plan.target, table.targets, true).memo);
  }
  return { table, typeOk, targetOk };
}

/**
 * Contacts whose matching events (over every table: the campaign's events, and for email
 * conditions its delivery activity too) pass the count, first and lapsed tests.
 */
function eventRows(
  plan: EventPlan,
  tables: EventTable[],
  rowCount: number,
  mask: Bitset | null,
  cache: EvalCache
): Bitset {
  const n = rowCount;
  const sources = tables
    .map((table) => eventSource(plan, table, cache))
    .filter((source): source is EventSource => source !== null);
  if (sources.length === 0) {
    // Nobody did it: only "at most"/"exactly 0" style counts can hold, never first or lapsed.
    const ok = countMatches(plan.count, 0) && !plan.first && plan.lapsed === null;
    return ok ? fullBitset(n) : createBitset(n);
  }
  const extra = plan.first || plan.lapsed !== null;
  if (extra && sources.length > 1) {
    throw new Error('first and lapsed read one event table');
  }

  const w = plan.window;
  const lo = w ? w.lo : -Infinity;
  const hi = w ? (w.hiInclusive ? w.hi : nextDown(w.hi)) : Infinity;
  const { op, n: countN } = plan.count;
  const opCode = op === 'at_least' ? 0 : op === 'at_most' ? 1 : 2;
  // Counting can stop once the answer is known: at n for "at least", past n otherwise.
  const stopAt = opCode === 0 ? countN : countN + 1;
  const first = plan.first;
  const lapsed = plan.lapsed;
  const cut = lapsed ? lapsed.cut : 0;
  const lapsedNow = lapsed ? lapsed.now : 0;

  const out = createBitset(n);
  for (let wi = 0; wi < out.length; wi++) {
    let need = wordNeed(mask, wi, n);
    const base = wi << 5;
    let bits = 0;
    while (need !== 0) {
      const low = need & -need;
      need ^= low;
      const r = base + 31 - Math.clz32(low);
      let c = 0;
      for (let s = 0; s < sources.length && c < stopAt; s++) {
        const { table, typeOk, targetOk } = sources[s];
        const start = table.offsets[r];
        const end = table.offsets[r + 1];
        if (start >= end) continue;
        const types = table.type;
        const targets = table.target;
        const at = table.at;
        let k = w !== null && end - start > 16 ? lowerBound(at, lo, start, end) : start;
        for (; k < end; k++) {
          const t = at[k];
          if (t > hi) break;
          if (typeOk[types[k]] === 0 || t < lo) continue;
          if (targetOk !== null && targetOk[targets[k]] === 0) continue;
          if (++c >= stopAt) break;
        }
      }
      if (opCode === 0 ? c < countN : opCode === 1 ? c > countN : c !== countN) continue;
      if (extra) {
        const { table, typeOk, targetOk } = sources[0];
        const start = table.offsets[r];
        const end = table.offsets[r + 1];
        const types = table.type;
        const targets = table.target;
        const at = table.at;
        let firstAt = NaN;
        for (let k = start; k < end; k++) {
          if (typeOk[types[k]] === 1 && (targetOk === null || targetOk[targets[k]] === 1)) {
            firstAt = at[k];
            break;
          }
        }
        if (first && !(firstAt >= lo && firstAt <= hi)) continue;
        if (lapsed !== null) {
          if (!(firstAt < cut)) continue;
          let recent = false;
          for (let k = lowerBound(at, cut, start, end); k < end; k++) {
            if (at[k] > lapsedNow) break;
            if (typeOk[types[k]] === 1 && (targetOk === null || targetOk[targets[k]] === 1)) {
              recent = true;
              break;
            }
          }
          if (recent) continue;
        }
      }
      bits |= low;
    }
    out[wi] = bits;
  }
  return out;
}

function segmentRows(
  id: string,
  member: boolean,
  rowCount: number,
  lookup: EvalContext['segmentMembers']
): Bitset {
  const stored = lookup?.(id);
  const bits = stored ? resizeBitset(stored, rowCount) : createBitset(rowCount);
  return member ? bits : notInPlace(bits, rowCount);
}

// ---------------------------------------------------------------------------------------------
// The tree.

interface Evaluator {
  data: EvalData;
  ctx: EvalContext;
  fields: Map<string, FieldSpec>;
  /** Where condition results are kept between evaluations (null: not kept). */
  cache: EvalCache | null;
  /** Where derived data are kept: the context's cache, or one of this evaluation's own. */
  derived: EvalCache;
  rowCount: number;
}

/** Cache key of a condition: its canonical JSON plus the time inputs it depends on. */
function conditionKey(cond: Condition, ev: Evaluator): string | null {
  const { now, timeZone } = ev.ctx;
  switch (cond.kind) {
    case 'segment':
      // Depends on stored memberships the cache cannot see change.
      return null;
    case 'sample':
      return canonicalJson(cond);
    case 'attribute': {
      const type = ev.fields.get(cond.field)?.type;
      if (type !== 'date' && type !== 'datetime') return canonicalJson(cond);
      const relative = RELATIVE_DATE_RULES.includes(cond.rule as never);
      return `${canonicalJson(cond)}@${timeZone}${relative ? '@' + now : ''}`;
    }
    case 'event':
    case 'email': {
      const relative =
        (cond.window && 'last' in cond.window) || (cond.kind === 'event' && cond.lapsed);
      const delivery = cond.kind === 'email' ? `#${ev.ctx.deliveryVersion ?? ''}` : '';
      return `${canonicalJson(cond)}@${timeZone}${relative ? '@' + now : ''}${delivery}`;
    }
  }
}

/** Relative cost used to order a group's children (cheap and likely selective first). */
function cost(node: SegmentNode, ev: Evaluator): number {
  if (node.kind === 'group') return node.children.reduce((s, c) => s + cost(c, ev), 0.5);
  if (ev.cache) {
    const key = conditionKey(node, ev);
    if (key !== null && ev.cache.has(key)) return 0;
  }
  switch (node.kind) {
    case 'segment':
      return 1;
    case 'attribute': {
      const col = ev.data.contacts.columns[node.field];
      if (col?.kind === 'string') return isLazyDictionary(col.dict, ev.rowCount) ? 5 : 2;
      if (node.rule === 'anniversary_in') return 4;
      return 2;
    }
    case 'sample':
      return hasSampleHashes(ev.derived, ev.data.contacts, node.seed) ? 3 : 9;
    case 'event':
    case 'email':
      return 10 + ev.data.events.count / Math.max(1, ev.rowCount);
  }
}

function checkCancelled(ctx: EvalContext): void {
  if (ctx.signal?.cancelled) throw new EvaluationCancelled();
}

function evalPlan(plan: ConditionPlan, ev: Evaluator, mask: Bitset | null): Bitset {
  const { data, ctx, rowCount } = ev;
  switch (plan.kind) {
    case 'segment':
      return segmentRows(plan.segment, plan.member, rowCount, ctx.segmentMembers);
    case 'sample':
      return sampleRows(
        sampleHashes(ev.derived, data.contacts, plan.seed),
        plan.buckets,
        plan.bucket,
        rowCount,
        mask
      );
    case 'event':
      return eventRows(
        plan,
        plan.email && data.delivery ? [data.events, data.delivery] : [data.events],
        rowCount,
        mask,
        ev.derived
      );
    default:
      return attributeRows(plan, data.contacts, mask, ctx.timeZone, ev.derived);
  }
}

/** A condition's bitset; the result may be shared with the cache and must not be mutated. */
function evalCondition(cond: Condition, ev: Evaluator, mask: Bitset | null): Bitset {
  checkCancelled(ev.ctx);
  const key = ev.cache ? conditionKey(cond, ev) : null;
  if (key !== null && ev.cache) {
    const hit = ev.cache.get(key) ?? ev.cache.getPartial(key, mask);
    if (hit) return hit;
  }
  const plan = lowerCondition(cond, ev.fields, ev.ctx);
  if (key === null) return evalPlan(plan, ev, mask);
  if (plan.kind === 'text' && isLazyDictionary(lazyDict(plan, ev), ev.rowCount)) {
    // Evaluating a lazy text rule over all rows would test every distinct value, which the
    // mask avoids: its result is kept with the mask it is valid on, for the next live count
    // (same mask, or a narrower one).
    const bits = evalPlan(plan, ev, mask);
    if (mask === null) ev.cache?.set(key, bits);
    else ev.cache?.setPartial(key, bits, mask);
    return bits;
  }
  // With a cache, compute whole results so that the next live count can reuse them.
  const bits = evalPlan(plan, ev, null);
  ev.cache?.set(key, bits);
  return bits;
}

function lazyDict(plan: AttributePlan, ev: Evaluator): string[] {
  const col = ev.data.contacts.columns[plan.field];
  return col?.kind === 'string' ? col.dict : [];
}

/** Whether every row of the mask (or every row) is set in bits. */
function coversMask(bits: Bitset, mask: Bitset | null, rowCount: number): boolean {
  if (mask === null) {
    const full = rowCount >>> 5;
    for (let w = 0; w < full; w++) if (bits[w] !== 0xffffffff) return false;
    const rest = rowCount & 31;
    return rest === 0 || (bits[full] & ((1 << rest) - 1)) === (1 << rest) - 1;
  }
  for (let w = 0; w < mask.length; w++) if ((mask[w] & ~bits[w]) !== 0) return false;
  return true;
}

function evalNode(node: SegmentNode, ev: Evaluator, mask: Bitset | null): Bitset {
  return node.kind === 'group' ? evalGroup(node, ev, mask) : evalCondition(node, ev, mask);
}

/** Returns a bitset owned by the caller (never a cached one). */
function evalGroup(group: Group, ev: Evaluator, mask: Bitset | null): Bitset {
  const n = ev.rowCount;
  const children = group.children
    .map((c, i) => ({ c, i, cost: cost(c, ev) }))
    .sort((a, b) => a.cost - b.cost || a.i - b.i)
    .map((x) => x.c);

  if (group.match === 'all') {
    // acc holds mask ∧ (children so far): exactly the rows later children still need, so it
    // is their mask too (they only read it; evalCondition copies what it keeps).
    const acc = mask ? mask.slice() : fullBitset(n);
    let childMask: Bitset | null = mask;
    for (const child of children) {
      const r = evalNode(child, ev, childMask);
      let any = 0;
      for (let w = 0; w < acc.length; w++) any |= acc[w] &= r[w];
      if (any === 0) break;
      childMask = acc;
    }
    return acc;
  }

  // any / none: accumulate OR; later children only need rows not yet in.
  const acc = createBitset(n);
  const undecided = createBitset(n);
  for (const child of children) {
    if (mask) for (let w = 0; w < acc.length; w++) undecided[w] = mask[w] & ~acc[w];
    else {
      for (let w = 0; w < acc.length; w++) undecided[w] = ~acc[w];
      clearTail(undecided, n);
    }
    const r = evalNode(child, ev, undecided);
    for (let w = 0; w < acc.length; w++) acc[w] |= r[w] & undecided[w];
    if (coversMask(acc, mask, n)) break;
  }
  return group.match === 'none' ? notInPlace(acc, n) : acc;
}

/**
 * The rows of `data.contacts` that match a definition, as a bitset of rowCount bits.
 * Throws InvalidDefinitionError for a definition that does not validate against the contact
 * fields, and EvaluationCancelled when ctx.signal.cancelled is seen between conditions.
 */
export function evaluateDefinition(def: Definition, data: EvalData, ctx: EvalContext): Bitset {
  const errors = validateDefinition(def, { fields: data.contacts.fields });
  if (errors.length > 0) throw new InvalidDefinitionError(errors);
  zoneClock(ctx.timeZone);
  const cache = ctx.cache ?? null;
  cache?.bind(data.contacts, data.events, ctx.dataVersion);
  const ev: Evaluator = {
    data,
    ctx,
    fields: new Map(data.contacts.fields.map((f) => [f.name, f])),
    cache,
    derived: cache ?? new EvalCache(),
    rowCount: data.contacts.rowCount
  };
  const bits = evalGroup(def.root, ev, null);
  return clearTail(bits, ev.rowCount);
}
