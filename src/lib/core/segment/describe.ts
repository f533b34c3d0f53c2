/**
 * describeDefinition: a segment definition in plain English, for the summary under the builder
 * and wherever a segment is listed ("Participants whose civility is Mrs, whose newsletter is
 * yes, and who did not win a reward"). It reads any input without throwing: a condition that is
 * still being written reads as far as it is filled in, so the sentence follows every keystroke.
 */
import type { Count, SegmentNode, TextTest, Window } from './definition';
import { DAY_MS, parseIsoDay } from './dates';

export interface DescribeContext {
  /** A segment's name from its id (segment conditions). */
  segmentName?: (id: string) => string | undefined;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December'
];

/** "2026-07-01" → "1 July 2026"; anything else as written. */
export function describeDay(value: unknown): string {
  const day = parseIsoDay(value);
  if (day === null) return quote(value);
  const d = new Date(day * DAY_MS);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

function quote(value: unknown): string {
  if (value === undefined || value === null || value === '') return '…';
  return `“${String(value)}”`;
}

/** "a, b or c" (or "and"). */
export function listOf(items: string[], last: 'or' | 'and'): string {
  if (items.length === 0) return '…';
  if (items.length === 1) return items[0];
  return `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`;
}

export function describePeriod(p: unknown): string {
  if (!isObj(p) || typeof p.n !== 'number') return '… days';
  const unit = typeof p.unit === 'string' ? p.unit : 'days';
  return `${p.n} ${p.n === 1 ? unit.replace(/s$/, '') : unit}`;
}

/**
 * A contains-pattern read aloud, as the user typed it (not folded):
 * `.fr|.org` → “.fr” or “.org”; `gold+vip` → “gold” and “vip”; `shoe*red` → “shoe…red”.
 */
export function describePattern(pattern: unknown): string {
  if (typeof pattern !== 'string' || pattern.trim() === '') return '…';
  const alternatives = pattern
    .split('|')
    .map((alt) =>
      alt
        .split('+')
        .map((part) => part.trim().replace(/\*+/g, '…'))
        .filter((part) => part.replace(/…/g, '') !== '')
    )
    .filter((parts) => parts.length > 0)
    .map((parts) => listOf(parts.map(quote), 'and'));
  return alternatives.length > 0 ? listOf(alternatives, 'or') : quote(pattern);
}

function values(v: unknown): string {
  return Array.isArray(v) && v.length > 0 ? listOf(v.map(quote), 'or') : '…';
}

function pair(v: unknown, show: (x: unknown) => string): [string, string] {
  return Array.isArray(v) && v.length === 2 ? [show(v[0]), show(v[1])] : ['…', '…'];
}

/** A text rule and value: "is “Mrs”", "contains “gold” and “vip”", "is one of …". */
export function describeTextRule(rule: unknown, value: unknown, caseSensitive = false): string {
  const exact = caseSensitive ? ' (exact case)' : '';
  switch (rule) {
    case 'equals':
      return `is ${quote(value)}${exact}`;
    case 'not_equals':
      return `is not ${quote(value)}${exact}`;
    case 'contains':
      return `contains ${describePattern(value)}${exact}`;
    case 'not_contains':
      return `does not contain ${describePattern(value)}${exact}`;
    case 'starts_with':
      return `starts with ${quote(value)}${exact}`;
    case 'ends_with':
      return `ends with ${quote(value)}${exact}`;
    case 'in':
      return `is one of ${values(value)}${exact}`;
    case 'not_in':
      return `is none of ${values(value)}${exact}`;
    case 'is_empty':
      return 'is empty';
    case 'is_not_empty':
      return 'is not empty';
    default:
      return '…';
  }
}

function describeAttributeRule(rule: unknown, value: unknown, caseSensitive: boolean): string {
  const num = (v: unknown) => (typeof v === 'number' ? String(v) : '…');
  switch (rule) {
    case 'gt':
      return `is more than ${num(value)}`;
    case 'gte':
      return `is at least ${num(value)}`;
    case 'lt':
      return `is less than ${num(value)}`;
    case 'lte':
      return `is at most ${num(value)}`;
    case 'between': {
      const isDates = Array.isArray(value) && typeof value[0] === 'string';
      const [a, b] = pair(value, isDates ? describeDay : num);
      return `is between ${a} and ${b}`;
    }
    case 'equals':
    case 'not_equals':
      if (typeof value === 'number') return `is ${rule === 'not_equals' ? 'not ' : ''}${value}`;
      return describeTextRule(rule, value, caseSensitive);
    case 'on':
      return `is on ${describeDay(value)}`;
    case 'before':
      return `is before ${describeDay(value)}`;
    case 'after':
      return `is after ${describeDay(value)}`;
    case 'in_last':
      return `is in the last ${describePeriod(value)}`;
    case 'not_in_last':
      return `is not in the last ${describePeriod(value)}`;
    case 'more_than_ago':
      return `is more than ${describePeriod(value)} ago`;
    case 'in_next':
      return `is in the next ${describePeriod(value)}`;
    case 'age_equals':
      return `is exactly ${num(value)} years ago`;
    case 'age_gt':
      return `is more than ${num(value)} years ago`;
    case 'age_lt':
      return `is less than ${num(value)} years ago`;
    case 'age_between': {
      const [a, b] = pair(value, num);
      return `is between ${a} and ${b} years ago`;
    }
    case 'anniversary_in':
      return `has its anniversary this ${value === 'month' ? 'month' : 'week'}`;
    case 'is_true':
      return 'is yes';
    case 'is_false':
      return 'is no';
    default:
      return describeTextRule(rule, value, caseSensitive);
  }
}

/** How each known event type reads: `{obj}` is "a page" or "page “/offer-42”". */
const EVENT_WORDS: Record<string, { did: string; not: string; any: string; one: string }> = {
  page_view: { did: 'viewed {obj}', not: 'did not view {obj}', any: 'a page', one: 'page {t}' },
  purchase: { did: 'purchased {obj}', not: 'did not purchase {obj}', any: '', one: '{t}' },
  add_to_cart: {
    did: 'added {obj} to the cart',
    not: 'did not add {obj} to the cart',
    any: 'a product',
    one: 'product {t}'
  },
  product_liked: {
    did: 'liked {obj}',
    not: 'did not like {obj}',
    any: 'a product',
    one: 'product {t}'
  },
  reward_won: { did: 'won {obj}', not: 'did not win {obj}', any: '', one: 'reward {t}' },
  participation: {
    did: 'took part {obj}',
    not: 'did not take part {obj}',
    any: '',
    one: 'in {t}'
  }
};

const EMAIL_WORDS: Record<string, { did: string; not: string }> = {
  received: { did: 'received', not: 'did not receive' },
  delivered: { did: 'had delivered', not: 'did not have delivered' },
  opened: { did: 'opened', not: 'did not open' },
  clicked: { did: 'clicked in', not: 'did not click in' },
  bounced: { did: 'bounced on', not: 'did not bounce on' },
  unsubscribed: { did: 'unsubscribed from', not: 'did not unsubscribe from' },
  complained: { did: 'complained about', not: 'did not complain about' }
};

function targetText(target: unknown): string {
  if (!isObj(target)) return '';
  const t = target as TextTest;
  if (t.rule === 'equals') return quote(t.value);
  const rule = describeTextRule(t.rule, t.value, t.caseSensitive === true);
  // "contains “x”" → "containing “x”", the form that follows a noun.
  return rule
    .replace(/^is not /, 'other than ')
    .replace(/^is one of /, 'among ')
    .replace(/^is none of /, 'not among ')
    .replace(/^is /, '')
    .replace(/^contains /, 'containing ')
    .replace(/^does not contain /, 'not containing ')
    .replace(/^starts with /, 'starting with ')
    .replace(/^ends with /, 'ending with ');
}

/** " at least 5 times", "" for the default (at least once); negative = "did not". */
function countText(count: unknown): { negative: boolean; text: string } {
  if (!isObj(count)) return { negative: false, text: '' };
  const c = count as Count;
  const n = typeof c.n === 'number' ? c.n : NaN;
  const times = (k: number) => (k === 1 ? 'once' : k === 2 ? 'twice' : `${k} times`);
  if ((c.op === 'exactly' || c.op === 'at_most') && n === 0) return { negative: true, text: '' };
  if (Number.isNaN(n)) return { negative: false, text: '' };
  if (c.op === 'at_least') return { negative: false, text: n <= 1 ? '' : ` at least ${times(n)}` };
  if (c.op === 'at_most') return { negative: false, text: ` at most ${times(n)}` };
  return { negative: false, text: ` exactly ${times(n)}` };
}

function windowText(window: unknown): string {
  if (!isObj(window)) return '';
  const w = window as Window;
  if ('last' in w) return ` in the last ${describePeriod(w.last)}`;
  if ('between' in w) {
    const [a, b] = pair(w.between, describeDay);
    return ` between ${a} and ${b}`;
  }
  return '';
}

function fill(template: string, obj: string): string {
  return template.replace('{obj}', obj).replace(/\s+/g, ' ').trim();
}

function eventClause(n: Obj): string {
  const type = typeof n.event === 'string' && n.event ? n.event : '…';
  const words = EVENT_WORDS[type] ?? {
    did: 'had {obj}',
    not: 'had no {obj}',
    any: `a ${quote(type)} event`,
    one: `a ${quote(type)} event on {t}`
  };
  const target = targetText(n.target);
  const obj = target ? words.one.replace('{t}', target) : words.any;
  const { negative, text } = countText(n.count);
  let clause = `who ${fill(negative ? words.not : words.did, obj)}${text}`;
  if (n.first === true) clause += ' for the first time';
  clause += windowText(n.window);
  if (isObj(n.lapsed)) clause += ` before, but not in the last ${describePeriod(n.lapsed)}`;
  return clause;
}

function emailClause(n: Obj): string {
  const words = EMAIL_WORDS[String(n.activity)] ?? { did: String(n.activity), not: 'not' };
  const emailing =
    typeof n.emailing === 'string' && n.emailing ? `emailing ${quote(n.emailing)}` : null;
  const { negative, text } = countText(n.count);
  const obj = emailing ?? (negative ? 'any emailing' : 'an emailing');
  // Opens and clicks are people's unless the condition asks for machines (proxies, scanners).
  const who =
    n.activity !== 'opened' && n.activity !== 'clicked'
      ? ''
      : n.machine === 'include'
        ? ' (people or machines)'
        : n.machine === 'only'
          ? ' (machines only: privacy proxies, link scanners)'
          : '';
  return `who ${negative ? words.not : words.did} ${obj}${who}${text}${windowText(n.window)}`;
}

function fieldLabel(name: string): string {
  return name.replace(/_/g, ' ');
}

/** One condition or group as a clause that follows "Participants". */
export function describeNode(node: SegmentNode | unknown, context: DescribeContext = {}): string {
  if (!isObj(node)) return '…';
  switch (node.kind) {
    case 'attribute': {
      const field = typeof node.field === 'string' && node.field ? fieldLabel(node.field) : '…';
      return `whose ${field} ${describeAttributeRule(node.rule, node.value, node.caseSensitive === true)}`;
    }
    case 'event':
      return eventClause(node);
    case 'email':
      return emailClause(node);
    case 'segment': {
      const id = typeof node.segment === 'string' ? node.segment : '';
      const name = id ? (context.segmentName?.(id) ?? id) : '';
      return `who are ${node.member === false ? 'not ' : ''}in the segment ${quote(name)}`;
    }
    case 'sample': {
      const buckets = typeof node.buckets === 'number' ? node.buckets : NaN;
      const bucket = typeof node.bucket === 'number' ? node.bucket : NaN;
      const share = buckets > 0 ? ` (${formatShare(100 / buckets)} %)` : '';
      return `who fall in random sample bucket ${Number.isNaN(bucket) ? '…' : bucket + 1} of ${
        Number.isNaN(buckets) ? '…' : buckets
      }${share}`;
    }
    case 'group': {
      const children = Array.isArray(node.children) ? node.children : [];
      if (children.length === 0) return node.match === 'any' ? 'who match nothing' : 'all';
      const parts = children.map((c) => describeNode(c, context));
      if (node.match === 'any') return `(${listOf(parts, 'or')})`;
      if (node.match === 'none') return `(excluding those ${listOf(parts, 'or')})`;
      return parts.length === 1 ? parts[0] : `(${listOf(parts, 'and')})`;
    }
    default:
      return '…';
  }
}

function formatShare(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(x < 1 ? 2 : 1);
}

/** The whole definition as one sentence. */
export function describeDefinition(definition: unknown, context: DescribeContext = {}): string {
  const root = isObj(definition) ? definition.root : undefined;
  if (!isObj(root) || root.kind !== 'group') return 'An unreadable definition.';
  const children = Array.isArray(root.children) ? root.children : [];
  if (children.length === 0) {
    return root.match === 'any' ? 'No one (an empty “any of” group).' : 'All participants.';
  }
  const parts = children.map((c) => describeNode(c, context));
  if (root.match === 'any') return `Participants ${joinSerial(parts, 'or')}.`;
  if (root.match === 'none') return `Participants except those ${joinSerial(parts, 'or')}.`;
  return `Participants ${joinSerial(parts, 'and')}.`;
}

/** "a, b, and c": the serial comma keeps clauses that hold "and" themselves apart. */
function joinSerial(parts: string[], word: 'and' | 'or'): string {
  if (parts.length <= 2) return parts.join(` ${word} `);
  return `${parts.slice(0, -1).join(', ')}, ${word} ${parts[parts.length - 1]}`;
}
