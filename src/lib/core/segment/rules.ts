/**
 * The table of rules by field type (SEGMENT-DEFINITION.md, "Rules by field type") and the
 * small vocabularies of the format. The validator, the evaluator and the UI's rule pickers
 * read it, so a rule exists in one place.
 */
import type { FieldType } from '../columns/types';
import type { BooleanRule, DateRule, NumberRule, Rule, TextRule } from './definition';

export const TEXT_RULES: readonly TextRule[] = [
  'equals',
  'not_equals',
  'contains',
  'not_contains',
  'starts_with',
  'ends_with',
  'in',
  'not_in',
  'is_empty',
  'is_not_empty'
];

export const NUMBER_RULES: readonly NumberRule[] = [
  'equals',
  'not_equals',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'is_empty',
  'is_not_empty'
];

/** Date rules whose meaning depends on `now` (the others only on the time zone). */
export const RELATIVE_DATE_RULES: readonly DateRule[] = [
  'in_last',
  'not_in_last',
  'more_than_ago',
  'in_next',
  'age_equals',
  'age_gt',
  'age_lt',
  'age_between',
  'anniversary_in'
];

export const DATE_RULES: readonly DateRule[] = [
  'on',
  'before',
  'after',
  'between',
  ...RELATIVE_DATE_RULES,
  'is_empty',
  'is_not_empty'
];

export const BOOLEAN_RULES: readonly BooleanRule[] = [
  'is_true',
  'is_false',
  'is_empty',
  'is_not_empty'
];

export type TypeFamily = 'text' | 'number' | 'date' | 'boolean';

export function typeFamily(type: FieldType): TypeFamily {
  switch (type) {
    case 'number':
      return 'number';
    case 'date':
    case 'datetime':
      return 'date';
    case 'boolean':
      return 'boolean';
    default:
      return 'text';
  }
}

export function rulesForType(type: FieldType): readonly Rule[] {
  switch (typeFamily(type)) {
    case 'number':
      return NUMBER_RULES;
    case 'date':
      return DATE_RULES;
    case 'boolean':
      return BOOLEAN_RULES;
    default:
      return TEXT_RULES;
  }
}

export const COUNT_OPS = ['at_least', 'at_most', 'exactly'] as const;
export const PERIOD_UNITS = ['days', 'weeks', 'months'] as const;
export const GROUP_MATCHES = ['all', 'any', 'none'] as const;

/** Upper bounds that keep dates inside years 1–9999 and hashes meaningful. */
export const MAX_PERIOD_N: Record<'days' | 'weeks' | 'months', number> = {
  days: 100_000,
  weeks: 15_000,
  months: 3_000
};
export const MAX_AGE = 200;
export const MAX_BUCKETS = 1_000_000;
export const MAX_DEPTH = 64;
