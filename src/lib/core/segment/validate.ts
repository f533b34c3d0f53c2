/**
 * validateDefinition: checks an untrusted segment definition (from the builder, a file or a
 * template) against a campaign's fields, event types and segments. Problems come back as data
 * naming the condition; it never throws, whatever the input, so the worker never crashes on a
 * bad definition. Evaluation and SQL export assume a definition that passed.
 */
import type { FieldSpec, FieldType } from '../columns/types';
import { EMAIL_ACTIVITY_TYPES } from '../columns/types';
import { parseIsoDay } from './dates';
import {
  COUNT_OPS,
  GROUP_MATCHES,
  MAX_AGE,
  MAX_BUCKETS,
  MAX_DEPTH,
  MAX_PERIOD_N,
  PERIOD_UNITS,
  TEXT_RULES,
  rulesForType,
  typeFamily
} from './rules';
import { isBlank } from '../text/fold';
import { isUsablePattern } from './text';

export interface ValidationError {
  /** Path of the condition in the tree, e.g. "root.children[2].children[0]". */
  path: string;
  /** Field, event type or segment concerned, when there is one. */
  field?: string;
  message: string;
}

export interface SegmentSchema {
  fields: FieldSpec[];
  /** Known event types; when given and non-empty, event conditions must use one of them. */
  eventTypes?: string[];
  /** The campaign's segments with the segment ids their definitions refer to. */
  segments?: { id: string; name: string; references: string[] }[];
  /** Id of the segment being validated, to detect it referring to itself through others. */
  selfId?: string;
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonNegInt(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

function show(v: unknown): string {
  // JSON reads 1e309 as Infinity, which JSON.stringify would show as "null".
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  // An absent key: say so rather than print "undefined".
  if (v === undefined) return '(missing)';
  if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint')
    return `(a ${typeof v}, not JSON)`;
  try {
    const s = JSON.stringify(v);
    if (s === undefined) return String(v);
    return s.length > 60 ? s.slice(0, 57) + '...' : s;
  } catch {
    return String(v);
  }
}

const TYPE_NAMES: Record<FieldType, string> = {
  text: 'text',
  email: 'email',
  phone: 'phone',
  category: 'category',
  number: 'number',
  date: 'date',
  datetime: 'date-time',
  boolean: 'yes/no'
};

/** Keys that would reach Object.prototype machinery if code ever copied them onto an object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The keys each object of the format may hold (SEGMENT-DEFINITION.md), by what it is. */
const KEYS = {
  definition: ['version', 'root'],
  group: ['kind', 'match', 'children'],
  attribute: ['kind', 'field', 'rule', 'value', 'caseSensitive'],
  event: ['kind', 'event', 'target', 'count', 'window', 'first', 'lapsed'],
  email: ['kind', 'activity', 'emailing', 'count', 'window', 'machine'],
  segment: ['kind', 'segment', 'member'],
  sample: ['kind', 'buckets', 'bucket', 'seed'],
  target: ['rule', 'value', 'caseSensitive'],
  count: ['op', 'n'],
  window: ['last', 'between'],
  period: ['n', 'unit']
} as const;

const KEY_LABELS: Record<keyof typeof KEYS, string> = {
  definition: 'a definition',
  group: 'a group',
  attribute: 'an attribute condition',
  event: 'an event condition',
  email: 'an email condition',
  segment: 'a segment condition',
  sample: 'a sample condition',
  target: 'an event target',
  count: 'a count',
  window: 'a window',
  period: 'a period'
};

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two keys. */
function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    d.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        d[0].push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[i - 2][j - 2] + 1);
      }
      d[i].push(v);
    }
  }
  return d[a.length][b.length];
}

/** The allowed key a misspelt one most likely meant, when it is close enough to say so. */
export function nearestKey(key: string, allowed: readonly string[]): string | null {
  const lower = key.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of allowed) {
    const dist = k.toLowerCase() === lower ? 0 : editDistance(lower, k.toLowerCase());
    if (dist < bestDistance) [best, bestDistance] = [k, dist];
  }
  // Two edits for keys of 5 letters or more ("windw", "feild"), one for shorter ones.
  const limit = Math.max(1, Math.min(2, Math.floor((best?.length ?? 0) / 3)));
  // A guess that rewrites every letter ("x" for "n") is no guess.
  const whole = Math.max(key.length, best?.length ?? 0);
  return bestDistance <= limit && bestDistance < whole ? best : null;
}

class Checker {
  readonly errors: ValidationError[] = [];
  private readonly fields = new Map<string, FieldSpec>();
  private readonly eventTypes: Set<string> | null;
  private readonly segments: Map<string, { id: string; name: string; references: string[] }> | null;
  private readonly references = new Set<string>();

  constructor(private readonly schema: SegmentSchema) {
    for (const f of schema.fields ?? []) this.fields.set(f.name, f);
    const types = schema.eventTypes;
    this.eventTypes = Array.isArray(types) && types.length > 0 ? new Set(types) : null;
    this.segments = Array.isArray(schema.segments)
      ? new Map(schema.segments.map((s) => [s.id, s]))
      : null;
  }

  /**
   * Reports every key of `n` that the format does not have there (and the forbidden ones);
   * true when all keys are known. A node with an unknown key is not checked further, so a
   * misspelt key gives one message, not a second one about the key it was meant to be.
   */
  private knownKeys(n: Obj, path: string, what: keyof typeof KEYS): boolean {
    const allowed: readonly string[] = KEYS[what];
    let ok = true;
    // Object.keys lists an own "__proto__" key, as JSON.parse creates one.
    for (const key of Object.keys(n)) {
      if (allowed.includes(key)) continue;
      ok = false;
      if (FORBIDDEN_KEYS.has(key)) {
        this.add(path, `The key ${show(key)} is not allowed in a definition.`);
        continue;
      }
      const near = nearestKey(key, allowed);
      this.add(
        path,
        `Unknown key ${show(key)}: it is not a key of ${KEY_LABELS[what]}` +
          (near ? `; did you mean "${near}"?` : ` (its keys are: ${allowed.join(', ')}).`)
      );
    }
    return ok;
  }

  add(path: string, message: string, field?: string): void {
    if (this.errors.length >= 100) return;
    this.errors.push(field === undefined ? { path, message } : { path, field, message });
  }

  definition(def: unknown): void {
    if (!isObject(def)) {
      this.add('root', 'The definition must be a JSON object { "version": 1, "root": {...} }.');
      return;
    }
    if (!this.knownKeys(def, 'root', 'definition')) return;
    if (def.version !== 1) {
      this.add('root', `Unsupported definition version ${show(def.version)}; expected 1.`);
      return;
    }
    if (!isObject(def.root) || def.root.kind !== 'group') {
      this.add('root', 'The root of the definition must be a group ("kind": "group").');
      return;
    }
    this.node(def.root, 'root', 0);
    this.cycles();
  }

  private node(n: unknown, path: string, depth: number): void {
    if (depth > MAX_DEPTH) {
      this.add(path, `Groups are nested more than ${MAX_DEPTH} levels deep.`);
      return;
    }
    if (!isObject(n)) {
      this.add(path, `A condition must be an object, not ${show(n)}.`);
      return;
    }
    const kinds = ['group', 'attribute', 'event', 'email', 'segment', 'sample'] as const;
    const kind = kinds.find((k) => k === n.kind);
    if (kind && !this.knownKeys(n, path, kind)) return;
    switch (n.kind) {
      case 'group':
        return this.group(n, path, depth);
      case 'attribute':
        return this.attribute(n, path);
      case 'event':
        return this.event(n, path);
      case 'email':
        return this.email(n, path);
      case 'segment':
        return this.segment(n, path);
      case 'sample':
        return this.sample(n, path);
      default:
        this.add(
          path,
          `Unknown condition kind ${show(n.kind)}; expected group, attribute, event, email, segment or sample.`
        );
    }
  }

  private group(n: Obj, path: string, depth: number): void {
    if (!GROUP_MATCHES.includes(n.match as never)) {
      this.add(path, `Unknown group match ${show(n.match)}; expected "all", "any" or "none".`);
    }
    if (!Array.isArray(n.children)) {
      this.add(path, 'A group needs a "children" array.');
      return;
    }
    n.children.forEach((c, i) => this.node(c, `${path}.children[${i}]`, depth + 1));
  }

  private attribute(n: Obj, path: string): void {
    if (typeof n.field !== 'string' || n.field.length === 0) {
      this.add(path, 'An attribute condition needs a "field" name.');
      return;
    }
    const name = n.field;
    const spec = this.fields.get(name);
    if (!spec) {
      this.add(path, `Unknown field "${name}".`, name);
      return;
    }
    if (n.caseSensitive !== undefined && typeof n.caseSensitive !== 'boolean') {
      this.add(path, `"caseSensitive" must be true or false.`, name);
    }
    const rules = rulesForType(spec.type);
    if (typeof n.rule !== 'string' || !rules.includes(n.rule as never)) {
      this.add(
        path,
        `Rule ${show(n.rule)} does not apply to the ${TYPE_NAMES[spec.type]} field "${name}"; use one of: ${rules.join(', ')}.`,
        name
      );
      return;
    }
    const relative = ['in_last', 'not_in_last', 'more_than_ago', 'in_next'];
    if (relative.includes(n.rule) && isObject(n.value)) {
      if (!this.knownKeys(n.value, `${path}.value`, 'period')) return;
    }
    const problem = valueProblem(typeFamily(spec.type), n.rule, n.value, n.caseSensitive === true);
    if (problem) this.add(path, `Field "${name}", rule ${n.rule}: ${problem}`, name);
  }

  private event(n: Obj, path: string): void {
    if (typeof n.event !== 'string' || n.event.length === 0) {
      this.add(path, 'An event condition needs an "event" type.');
      return;
    }
    const name = n.event;
    if (this.eventTypes && !this.eventTypes.has(name)) {
      this.add(path, `Unknown event type "${name}".`, name);
    }
    if (n.target !== undefined) {
      const t = n.target;
      if (!isObject(t)) {
        this.add(path, `Event "${name}": "target" must be an object { "rule", "value" }.`, name);
      } else if (!this.knownKeys(t, `${path}.target`, 'target')) {
        // Reported.
      } else if (typeof t.rule !== 'string' || !TEXT_RULES.includes(t.rule as never)) {
        this.add(
          path,
          `Event "${name}": target rule ${show(t.rule)} is not a text rule; use one of: ${TEXT_RULES.join(', ')}.`,
          name
        );
      } else {
        if (t.caseSensitive !== undefined && typeof t.caseSensitive !== 'boolean') {
          this.add(path, `Event "${name}": target "caseSensitive" must be true or false.`, name);
        }
        const problem = valueProblem('text', t.rule, t.value, t.caseSensitive === true);
        if (problem) this.add(path, `Event "${name}", target rule ${t.rule}: ${problem}`, name);
      }
    }
    this.countAndWindow(n, path, `Event "${name}"`, name);
    if (n.first !== undefined && typeof n.first !== 'boolean') {
      this.add(path, `Event "${name}": "first" must be true or false.`, name);
    }
    if (n.lapsed !== undefined) {
      if (isObject(n.lapsed) && !this.knownKeys(n.lapsed, `${path}.lapsed`, 'period')) return;
      const p = periodProblem(n.lapsed);
      if (p) this.add(path, `Event "${name}": "lapsed" ${p}`, name);
      else if ((n.lapsed as { n: number }).n < 1) {
        this.add(path, `Event "${name}": "lapsed" needs a period of at least 1.`, name);
      }
    }
  }

  private email(n: Obj, path: string): void {
    if (!EMAIL_ACTIVITY_TYPES.includes(n.activity as never)) {
      this.add(
        path,
        `Unknown email activity ${show(n.activity)}; expected one of: ${EMAIL_ACTIVITY_TYPES.join(', ')}.`
      );
      return;
    }
    const label = `Email activity "${n.activity as string}"`;
    if (n.emailing !== undefined && (typeof n.emailing !== 'string' || isBlank(n.emailing))) {
      this.add(path, `${label}: "emailing" must be an emailing id (text).`);
    }
    if (n.machine !== undefined) {
      if (n.activity !== 'opened' && n.activity !== 'clicked') {
        this.add(path, `${label}: "machine" applies only to opened and clicked.`);
      } else if (!['exclude', 'include', 'only'].includes(n.machine as never)) {
        this.add(
          path,
          `${label}: "machine" must be "exclude", "include" or "only", not ${show(n.machine)}.`
        );
      }
    }
    this.countAndWindow(n, path, label, undefined);
  }

  private countAndWindow(n: Obj, path: string, label: string, field: string | undefined): void {
    if (n.count !== undefined) {
      const c = n.count;
      if (isObject(c) && !this.knownKeys(c, `${path}.count`, 'count')) {
        // Reported.
      } else if (!isObject(c) || !COUNT_OPS.includes(c.op as never)) {
        this.add(
          path,
          `${label}: "count" must be { "op": "at_least" | "at_most" | "exactly", "n": number }.`,
          field
        );
      } else if (!isNonNegInt(c.n, 1e9)) {
        this.add(path, `${label}: the count must be a whole number ≥ 0, not ${show(c.n)}.`, field);
      }
    }
    if (n.window !== undefined) {
      const w = n.window;
      if (isObject(w) && !this.knownKeys(w, `${path}.window`, 'window')) {
        // Reported.
      } else if (!isObject(w) || 'last' in w === 'between' in w) {
        this.add(
          path,
          `${label}: "window" must be { "last": period } or { "between": [date, date] }.`,
          field
        );
      } else if ('last' in w) {
        if (isObject(w.last) && !this.knownKeys(w.last, `${path}.window.last`, 'period')) return;
        const p = periodProblem(w.last);
        if (p) this.add(path, `${label}: window "last" ${p}`, field);
      } else {
        const p = dateRangeProblem(w.between);
        if (p) this.add(path, `${label}: window "between" ${p}`, field);
      }
    }
  }

  private segment(n: Obj, path: string): void {
    if (typeof n.segment !== 'string' || n.segment.length === 0) {
      this.add(path, 'A segment condition needs a "segment" id.');
      return;
    }
    const id = n.segment;
    this.references.add(id);
    if (typeof n.member !== 'boolean') {
      this.add(path, `Segment condition: "member" must be true (is in) or false (is not in).`, id);
    }
    if (this.segments && !this.segments.has(id)) {
      this.add(path, `Unknown segment "${id}".`, id);
    }
    if (this.schema.selfId !== undefined && id === this.schema.selfId) {
      this.add(path, 'A segment cannot refer to itself.', id);
    }
  }

  private sample(n: Obj, path: string): void {
    if (!isNonNegInt(n.buckets, MAX_BUCKETS) || n.buckets < 1) {
      this.add(
        path,
        `Sample: "buckets" must be a whole number from 1 to ${MAX_BUCKETS}, not ${show(n.buckets)}.`
      );
    } else if (!isNonNegInt(n.bucket, n.buckets - 1)) {
      this.add(
        path,
        `Sample: "bucket" must be a whole number from 0 to ${n.buckets - 1}, not ${show(n.bucket)}.`
      );
    }
    if (typeof n.seed !== 'string' || n.seed.length === 0) {
      this.add(path, 'Sample: "seed" must be a non-empty text.');
    }
  }

  /** Cycles reachable through the referenced segments' own references. */
  private cycles(): void {
    const segments = this.segments;
    if (!segments || this.references.size === 0) return;
    const self = this.schema.selfId;
    const label = (id: string) => `"${segments.get(id)?.name ?? id}"`;
    const state = new Map<string, 'open' | 'done'>();
    let reportedSelf = false;
    const visit = (id: string, trail: string[]): void => {
      if (id === self) {
        if (!reportedSelf) {
          reportedSelf = true;
          const chain = ['this segment', ...trail.map(label), 'this segment'].join(' → ');
          this.add('root', `Cyclic reference: ${chain}.`, trail[0]);
        }
        return;
      }
      const st = state.get(id);
      if (st === 'done') return;
      if (st === 'open') {
        const chain = [...trail.slice(trail.indexOf(id)), id].map(label).join(' → ');
        this.add('root', `Cyclic reference between segments: ${chain}.`, id);
        return;
      }
      state.set(id, 'open');
      for (const r of segments.get(id)?.references ?? []) visit(r, [...trail, id]);
      state.set(id, 'done');
    };
    for (const id of this.references) if (id !== self) visit(id, []);
  }
}

function periodProblem(p: unknown): string | null {
  if (!isObject(p)) return 'must be a period { "n": number, "unit": "days" | "weeks" | "months" }.';
  if (!PERIOD_UNITS.includes(p.unit as never)) {
    return `has unknown unit ${show(p.unit)}; expected "days", "weeks" or "months".`;
  }
  const max = MAX_PERIOD_N[p.unit as 'days'];
  if (!isNonNegInt(p.n, max)) {
    return `needs a whole number of ${p.unit as string} from 0 to ${max}, not ${show(p.n)}.`;
  }
  return null;
}

function dateRangeProblem(v: unknown): string | null {
  if (!Array.isArray(v) || v.length !== 2) return 'must be two dates ["YYYY-MM-DD", "YYYY-MM-DD"].';
  const a = parseIsoDay(v[0]);
  const b = parseIsoDay(v[1]);
  if (a === null) return `has ${show(v[0])}, which is not a date written YYYY-MM-DD.`;
  if (b === null) return `has ${show(v[1])}, which is not a date written YYYY-MM-DD.`;
  if (a > b) return `starts after it ends (${v[0] as string} > ${v[1] as string}).`;
  return null;
}

/** What is wrong with a rule's value, or null when it is well formed. */
function valueProblem(
  family: 'text' | 'number' | 'date' | 'boolean',
  rule: string,
  value: unknown,
  caseSensitive: boolean
): string | null {
  if (rule === 'is_empty' || rule === 'is_not_empty' || family === 'boolean') return null;
  if (value === undefined) return 'a value is required.';
  if (family === 'text') {
    if (rule === 'in' || rule === 'not_in') {
      if (!Array.isArray(value) || value.length === 0)
        return 'the value must be a non-empty list of texts.';
      const bad = value.find((v) => typeof v !== 'string' || isBlank(v));
      if (bad !== undefined) return `the list holds ${show(bad)}, which is not a non-blank text.`;
      return null;
    }
    if (typeof value !== 'string') return `the value must be a text, not ${show(value)}.`;
    if (isBlank(value)) return 'the value is blank (use is_empty / is_not_empty for empty values).';
    if (
      (rule === 'contains' || rule === 'not_contains') &&
      !isUsablePattern(value, caseSensitive)
    ) {
      return `the pattern ${show(value)} has nothing to look for.`;
    }
    return null;
  }
  if (family === 'number') {
    if (rule === 'between') {
      if (
        !Array.isArray(value) ||
        value.length !== 2 ||
        !value.every((v) => typeof v === 'number' && Number.isFinite(v))
      ) {
        return 'the value must be two numbers [low, high].';
      }
      if (value[0] > value[1]) return `the range starts after it ends (${value[0]} > ${value[1]}).`;
      return null;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return `the value must be a number, not ${show(value)}.`;
    }
    return null;
  }
  switch (rule) {
    case 'on':
    case 'before':
    case 'after':
      return parseIsoDay(value) === null
        ? `${show(value)} is not a date written YYYY-MM-DD.`
        : null;
    case 'between': {
      const p = dateRangeProblem(value);
      return p ? `the value ${p}` : null;
    }
    case 'in_last':
    case 'not_in_last':
    case 'more_than_ago':
    case 'in_next': {
      const p = periodProblem(value);
      return p ? `the value ${p}` : null;
    }
    case 'age_equals':
    case 'age_gt':
    case 'age_lt':
      return isNonNegInt(value, MAX_AGE)
        ? null
        : `the age must be a whole number from 0 to ${MAX_AGE}, not ${show(value)}.`;
    case 'age_between':
      if (
        !Array.isArray(value) ||
        value.length !== 2 ||
        !value.every((v) => isNonNegInt(v, MAX_AGE))
      ) {
        return `the value must be two ages [low, high], whole numbers from 0 to ${MAX_AGE}.`;
      }
      return value[0] > value[1]
        ? `the range starts after it ends (${value[0]} > ${value[1]}).`
        : null;
    case 'anniversary_in':
      return value === 'week' || value === 'month'
        ? null
        : `the value must be "week" or "month", not ${show(value)}.`;
  }
  return null;
}

/** Every problem in a definition; an empty list means it can be evaluated and exported. */
export function validateDefinition(def: unknown, schema: SegmentSchema): ValidationError[] {
  try {
    const checker = new Checker(schema ?? { fields: [] });
    checker.definition(def);
    return checker.errors;
  } catch (e) {
    return [
      {
        path: 'root',
        message: `The definition could not be read: ${e instanceof Error ? e.message : String(e)}`
      }
    ];
  }
}

/** Segment ids a definition refers to (segment conditions), without duplicates, in order. */
export function segmentReferences(def: unknown): string[] {
  const out = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (n: unknown, depth: number): void => {
    if (!isObject(n) || seen.has(n) || depth > MAX_DEPTH + 1) return;
    seen.add(n);
    if (n.kind === 'segment' && typeof n.segment === 'string') out.add(n.segment);
    if (n.kind === 'group' && Array.isArray(n.children)) {
      for (const c of n.children) walk(c, depth + 1);
    }
  };
  try {
    if (isObject(def)) walk(def.root, 0);
  } catch {
    // A hostile object (throwing getters) has no readable references.
  }
  return [...out];
}
