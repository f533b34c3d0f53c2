/**
 * Segment definition format, version 1 — exactly as written in SEGMENT-DEFINITION.md.
 * An extension adds optional keys; it never changes a meaning.
 */

export type Definition = { version: 1; root: Group };

export type Group = { kind: 'group'; match: 'all' | 'any' | 'none'; children: SegmentNode[] };

export type SegmentNode = Group | Condition;

export type TextRule =
  | 'equals'
  | 'not_equals'
  | 'contains'
  | 'not_contains'
  | 'starts_with'
  | 'ends_with'
  | 'in'
  | 'not_in'
  | 'is_empty'
  | 'is_not_empty';

export type NumberRule =
  'equals' | 'not_equals' | 'gt' | 'gte' | 'lt' | 'lte' | 'between' | 'is_empty' | 'is_not_empty';

export type DateRule =
  | 'on'
  | 'before'
  | 'after'
  | 'between'
  | 'in_last'
  | 'not_in_last'
  | 'more_than_ago'
  | 'in_next'
  | 'age_equals'
  | 'age_gt'
  | 'age_lt'
  | 'age_between'
  | 'anniversary_in'
  | 'is_empty'
  | 'is_not_empty';

export type BooleanRule = 'is_true' | 'is_false' | 'is_empty' | 'is_not_empty';

export type Rule = TextRule | NumberRule | DateRule | BooleanRule;

export type Period = { n: number; unit: 'days' | 'weeks' | 'months' };

export type Value =
  string | number | boolean | string[] | [string, string] | [number, number] | Period;

export type TextTest = { rule: TextRule; value?: Value; caseSensitive?: boolean };

export type Count = { op: 'at_least' | 'at_most' | 'exactly'; n: number };

export type Window = { last: Period } | { between: [string, string] };

export type AttributeCondition = {
  kind: 'attribute';
  field: string;
  rule: Rule;
  value?: Value;
  caseSensitive?: boolean;
};

export type EventCondition = {
  kind: 'event';
  event: string;
  target?: TextTest;
  count?: Count;
  window?: Window;
  /** The contact's first-ever such event lies in the window. */
  first?: boolean;
  /** Did it before, but not in the last Period. */
  lapsed?: Period;
};

export type EmailActivityName =
  'received' | 'delivered' | 'opened' | 'clicked' | 'bounced' | 'unsubscribed' | 'complained';

export type EmailCondition = {
  kind: 'email';
  activity: EmailActivityName;
  emailing?: string;
  count?: Count;
  window?: Window;
  /**
   * Opens and clicks: count people's only ('exclude', the default), people's and machines'
   * ('include'), or machines' only ('only') — privacy proxies and link scanners.
   */
  machine?: 'exclude' | 'include' | 'only';
};

export type SegmentCondition = { kind: 'segment'; segment: string; member: boolean };

export type SampleCondition = { kind: 'sample'; buckets: number; bucket: number; seed: string };

export type Condition =
  AttributeCondition | EventCondition | EmailCondition | SegmentCondition | SampleCondition;
