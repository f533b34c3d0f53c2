import { describe, expect, it } from 'vitest';
import { describeDefinition, describeNode, describePattern } from '$lib/core/segment/describe';
import type { Definition, SegmentNode } from '$lib/core/segment/definition';

const def = (match: 'all' | 'any' | 'none', ...children: SegmentNode[]): Definition => ({
  version: 1,
  root: { kind: 'group', match, children }
});

describe('describeDefinition', () => {
  it('reads the first reference example as one sentence', () => {
    expect(
      describeDefinition(
        def(
          'all',
          { kind: 'attribute', field: 'civility', rule: 'equals', value: 'Mrs' },
          { kind: 'attribute', field: 'newsletter', rule: 'is_true' },
          { kind: 'event', event: 'reward_won', count: { op: 'exactly', n: 0 } }
        )
      )
    ).toBe('Participants whose civility is “Mrs”, whose newsletter is yes, and who did not win.');
  });

  it('reads event conditions with target, count, window, first time and lapsed', () => {
    expect(
      describeDefinition(
        def(
          'all',
          {
            kind: 'event',
            event: 'page_view',
            target: { rule: 'equals', value: '/offer-42' },
            count: { op: 'at_least', n: 5 },
            window: { last: { n: 7, unit: 'days' } }
          },
          {
            kind: 'event',
            event: 'purchase',
            target: { rule: 'contains', value: 'offer-42' },
            count: { op: 'exactly', n: 0 },
            window: { last: { n: 7, unit: 'days' } }
          }
        )
      )
    ).toBe(
      'Participants who viewed page “/offer-42” at least 5 times in the last 7 days and who did not purchase containing “offer-42” in the last 7 days.'
    );
    expect(
      describeNode({
        kind: 'event',
        event: 'participation',
        first: true,
        window: { last: { n: 1, unit: 'months' } }
      })
    ).toBe('who took part for the first time in the last 1 month');
    expect(
      describeNode({ kind: 'event', event: 'purchase', lapsed: { n: 90, unit: 'days' } })
    ).toBe('who purchased before, but not in the last 90 days');
    expect(describeNode({ kind: 'event', event: 'signup', count: { op: 'at_most', n: 2 } })).toBe(
      'who had a “signup” event at most twice'
    );
  });

  it('reads email activity, with an emailing or any, and a date window', () => {
    expect(
      describeDefinition(
        def(
          'all',
          {
            kind: 'email',
            activity: 'received',
            window: { between: ['2026-07-01', '2026-09-30'] }
          },
          {
            kind: 'email',
            activity: 'opened',
            count: { op: 'exactly', n: 0 },
            window: { between: ['2026-07-01', '2026-09-30'] }
          }
        )
      )
    ).toBe(
      'Participants who received an emailing between 1 July 2026 and 30 September 2026 and who did not open any emailing between 1 July 2026 and 30 September 2026.'
    );
    expect(describeNode({ kind: 'email', activity: 'clicked', emailing: 'nl-05' })).toBe(
      'who clicked in emailing “nl-05”'
    );
  });

  it('nests groups with brackets and reads any / none at the top', () => {
    const nested = def(
      'any',
      { kind: 'event', event: 'purchase', window: { last: { n: 6, unit: 'months' } } },
      {
        kind: 'group',
        match: 'all',
        children: [
          { kind: 'event', event: 'add_to_cart', window: { last: { n: 1, unit: 'months' } } },
          { kind: 'segment', segment: 's1', member: true }
        ]
      }
    );
    expect(
      describeDefinition(nested, { segmentName: (id) => (id === 's1' ? 'List X' : undefined) })
    ).toBe(
      'Participants who purchased in the last 6 months or (who added a product to the cart in the last 1 month and who are in the segment “List X”).'
    );
    expect(
      describeDefinition(
        def('none', { kind: 'attribute', field: 'city', rule: 'in', value: ['Paris', 'Lyon'] })
      )
    ).toBe('Participants except those whose city is one of “Paris” or “Lyon”.');
    expect(describeDefinition(def('all'))).toBe('All participants.');
    expect(describeDefinition(def('any'))).toMatch(/^No one/);
  });

  it('reads every attribute rule family', () => {
    const a = (field: string, rule: string, value?: unknown) =>
      describeNode({ kind: 'attribute', field, rule, value } as SegmentNode);
    expect(a('score', 'between', [10, 20])).toBe('whose score is between 10 and 20');
    expect(a('score', 'gte', 5)).toBe('whose score is at least 5');
    expect(a('score', 'equals', 3)).toBe('whose score is 3');
    expect(a('birthdate', 'age_between', [18, 25])).toBe(
      'whose birthdate is between 18 and 25 years ago'
    );
    expect(a('registered_at', 'in_last', { n: 2, unit: 'weeks' })).toBe(
      'whose registered at is in the last 2 weeks'
    );
    expect(a('registered_at', 'on', '2026-03-12')).toBe('whose registered at is on 12 March 2026');
    expect(a('registered_at', 'between', ['2026-01-01', '2026-01-31'])).toBe(
      'whose registered at is between 1 January 2026 and 31 January 2026'
    );
    expect(a('birthdate', 'anniversary_in', 'month')).toBe(
      'whose birthdate has its anniversary this month'
    );
    expect(a('newsletter', 'is_false')).toBe('whose newsletter is no');
    expect(a('city', 'is_empty')).toBe('whose city is empty');
    expect(
      describeNode({
        kind: 'attribute',
        field: 'city',
        rule: 'equals',
        value: 'Liège',
        caseSensitive: true
      })
    ).toBe('whose city is “Liège” (exact case)');
  });

  it('reads unfinished conditions without throwing', () => {
    expect(describeNode({ kind: 'attribute', field: '', rule: 'equals' })).toBe('whose … is …');
    expect(describeNode({ kind: 'sample', buckets: 10, bucket: 2, seed: 'x' })).toBe(
      'who fall in random sample bucket 3 of 10 (10 %)'
    );
    expect(describeDefinition(null)).toBe('An unreadable definition.');
    expect(
      describeDefinition({ version: 1, root: { kind: 'group', match: 'all', children: [42] } })
    ).toBe('Participants ….');
  });
});

describe('describePattern', () => {
  it('reads |, + and * as the matcher understands them', () => {
    expect(describePattern('.fr|.org')).toBe('“.fr” or “.org”');
    expect(describePattern('gold+vip')).toBe('“gold” and “vip”');
    expect(describePattern('shoe*red')).toBe('“shoe…red”');
    expect(describePattern('a+b|c')).toBe('“a” and “b” or “c”');
    expect(describePattern('')).toBe('…');
  });
});
