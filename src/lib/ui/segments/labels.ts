/** Words the builder shows for rules, count operators and units. */
import type { Rule } from '$lib/core/segment/definition';

export const RULE_LABELS: Record<Rule, string> = {
  equals: 'is',
  not_equals: 'is not',
  contains: 'contains',
  not_contains: 'does not contain',
  starts_with: 'starts with',
  ends_with: 'ends with',
  in: 'is one of',
  not_in: 'is none of',
  is_empty: 'is empty',
  is_not_empty: 'is not empty',
  gt: 'is more than',
  gte: 'is at least',
  lt: 'is less than',
  lte: 'is at most',
  between: 'is between',
  on: 'is on',
  before: 'is before',
  after: 'is after',
  in_last: 'is in the last',
  not_in_last: 'is not in the last',
  more_than_ago: 'is more than … ago',
  in_next: 'is in the next',
  age_equals: 'age is exactly',
  age_gt: 'age is more than',
  age_lt: 'age is less than',
  age_between: 'age is between',
  anniversary_in: 'has its anniversary this',
  is_true: 'is yes',
  is_false: 'is no'
};

export const EVENT_LABELS: Record<string, string> = {
  participation: 'Took part',
  page_view: 'Viewed a page',
  reward_won: 'Won a reward',
  product_liked: 'Liked a product',
  add_to_cart: 'Added to cart',
  purchase: 'Purchased'
};

export const EMAIL_LABELS: Record<string, string> = {
  received: 'Received',
  delivered: 'Delivered',
  opened: 'Opened',
  clicked: 'Clicked',
  bounced: 'Bounced',
  unsubscribed: 'Unsubscribed',
  complained: 'Complained'
};
