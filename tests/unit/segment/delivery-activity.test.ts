/**
 * Email conditions over what the relay and providers reported: people's opens and clicks by
 * default, machines' only when asked, imported email activity and delivery activity counted
 * together, events matched to no contact left out.
 */
import { describe, expect, it } from 'vitest';
import { toDeliveryColumns, type DeliveryEvent } from '$lib/core/analytics';
import type { FieldSpec } from '$lib/core/columns/types';
import { toIndices } from '$lib/core/columns/bitset';
import {
  DELIVERY_ACTIVITY_TYPES,
  deliveryActivityTable
} from '$lib/core/segment/delivery-activity';
import type { Definition, EmailCondition } from '$lib/core/segment/definition';
import { describeDefinition } from '$lib/core/segment/describe';
import { evaluateDefinition } from '$lib/core/segment/evaluate';
import { validateDefinition } from '$lib/core/segment/validate';
import { buildContacts, buildEvents } from './tables';

const fields: FieldSpec[] = [{ name: 'email', type: 'email' }];
const emails = ['a@x.org', 'b@x.org', 'c@x.org', 'd@x.org'];
const contacts = buildContacts(
  fields,
  emails.map((email) => ({ email })),
  'email'
);
const T = Date.UTC(2026, 10, 2, 9);
const ev = (
  recipient: string,
  kind: DeliveryEvent['kind'],
  at: number,
  machine = false,
  emailing = 'em1'
): DeliveryEvent => ({ messageId: `m-${recipient}`, recipient, emailing, kind, at, machine });

const events: DeliveryEvent[] = [
  ev('a@x.org', 'opened', T + 3000, true), // a: a proxy's open only
  ev('a@x.org', 'sent', T),
  ev('b@x.org', 'sent', T),
  ev('b@x.org', 'opened', T + 60_000), // b: a person's open, and a scanner's click
  ev('b@x.org', 'clicked', T + 2000, true),
  ev('c@x.org', 'sent', T, false, 'em2'),
  ev('c@x.org', 'deferred', T + 1),
  ev('zed@x.org', 'opened', T + 5) // matched to no contact
];
const rowOf = (e: DeliveryEvent) => emails.indexOf(e.recipient);
const delivery = deliveryActivityTable(toDeliveryColumns(events, rowOf), contacts.rowCount);
// d imported an "opened" row for em1 from an events file, a person's by assumption.
const imported = buildEvents(contacts.rowCount, [
  { row: 3, type: 'opened', target: 'em1', at: T + 10 }
]);

function members(condition: Omit<EmailCondition, 'kind'>): string[] {
  const definition: Definition = {
    version: 1,
    root: { kind: 'group', match: 'all', children: [{ kind: 'email', ...condition }] }
  };
  expect(validateDefinition(definition, { fields })).toEqual([]);
  const bits = evaluateDefinition(
    definition,
    { contacts, events: imported, delivery },
    { now: T + 86_400_000, timeZone: 'Europe/Paris' }
  );
  return [...toIndices(bits)].map((r) => emails[r]);
}

describe('delivery activity in email conditions', () => {
  it('is per contact, sorted by time, with machine opens and clicks as their own types', () => {
    expect(delivery.types).toEqual([...DELIVERY_ACTIVITY_TYPES]);
    // zed matched nobody and "deferred" is no activity: 6 of 8 events kept.
    expect(delivery.count).toBe(6);
    const a = [...delivery.type.subarray(delivery.offsets[0], delivery.offsets[1])];
    expect(a.map((t) => delivery.types[t])).toEqual(['received', 'machine:opened']);
    const b = [...delivery.type.subarray(delivery.offsets[1], delivery.offsets[2])];
    expect(b.map((t) => delivery.types[t])).toEqual(['received', 'machine:clicked', 'opened']);
  });

  it('counts people unless the condition asks for machines', () => {
    expect(members({ activity: 'opened', emailing: 'em1' })).toEqual(['b@x.org', 'd@x.org']);
    expect(members({ activity: 'opened', emailing: 'em1', machine: 'only' })).toEqual(['a@x.org']);
    expect(members({ activity: 'opened', machine: 'include' })).toEqual([
      'a@x.org',
      'b@x.org',
      'd@x.org'
    ]);
    expect(members({ activity: 'clicked' })).toEqual([]);
    expect(members({ activity: 'clicked', machine: 'include' })).toEqual(['b@x.org']);
  });

  it('reads a handed-over message as received, per emailing', () => {
    expect(members({ activity: 'received' })).toEqual(['a@x.org', 'b@x.org', 'c@x.org']);
    expect(members({ activity: 'received', emailing: 'em2' })).toEqual(['c@x.org']);
    expect(members({ activity: 'received', count: { op: 'exactly', n: 0 } })).toEqual(['d@x.org']);
  });

  it('adds imported and reported activity in one count', () => {
    const twice = buildEvents(contacts.rowCount, [
      { row: 1, type: 'opened', target: 'em1', at: T + 10 }
    ]);
    const definition: Definition = {
      version: 1,
      root: {
        kind: 'group',
        match: 'all',
        children: [{ kind: 'email', activity: 'opened', count: { op: 'at_least', n: 2 } }]
      }
    };
    const bits = evaluateDefinition(
      definition,
      { contacts, events: twice, delivery },
      { now: T + 86_400_000, timeZone: 'UTC' }
    );
    expect([...toIndices(bits)]).toEqual([1]);
  });

  it('refuses the machine option where it means nothing, and says it in words', () => {
    const bad = {
      version: 1,
      root: {
        kind: 'group',
        match: 'all',
        children: [
          { kind: 'email', activity: 'bounced', machine: 'only' },
          { kind: 'email', activity: 'opened', machine: 'robots' }
        ]
      }
    };
    const messages = validateDefinition(bad, { fields }).map((e) => e.message);
    expect(messages).toEqual([
      'Email activity "bounced": "machine" applies only to opened and clicked.',
      'Email activity "opened": "machine" must be "exclude", "include" or "only", not "robots".'
    ]);
    const text = describeDefinition({
      version: 1,
      root: {
        kind: 'group',
        match: 'all',
        children: [{ kind: 'email', activity: 'opened', machine: 'only' }]
      }
    });
    expect(text).toContain('machines only');
  });
});
