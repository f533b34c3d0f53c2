/**
 * The delivery figures: final states, unique vs total, people vs machines, repeats and rates.
 */
import { describe, expect, it } from 'vitest';
import { DeliveryReport, type DeliveryEvent } from '../../../src/lib/core/analytics/index';

function ev(
  messageId: string,
  kind: DeliveryEvent['kind'],
  at: number,
  extra: Partial<DeliveryEvent> = {}
): DeliveryEvent {
  return {
    messageId,
    recipient: `${messageId}@x.org`,
    emailing: 'e',
    kind,
    at,
    machine: false,
    ...extra
  };
}

describe('DeliveryReport', () => {
  it('gives null rates, not NaN, when nothing was sent', () => {
    const f = new DeliveryReport().figures();
    expect(f.sent).toBe(0);
    for (const key of [
      'delivery_rate',
      'open_rate',
      'click_rate',
      'click_to_open_rate',
      'bounce_rate',
      'unsubscribe_rate',
      'complaint_rate'
    ] as const) {
      expect(f[key]).toBeNull();
    }
  });

  it('counts a soft bounce or deferral followed by a delivery as delivered, once', () => {
    const r = new DeliveryReport();
    r.add(ev('m', 'sent', 1));
    r.add(ev('m', 'deferred', 2));
    r.add(ev('m', 'bounced', 3, { bounce: 'soft' }));
    r.add(ev('m', 'delivered', 4));
    const f = r.figures();
    expect([f.sent, f.delivered, f.bounced_soft, f.bounced_hard]).toEqual([1, 1, 0, 0]);
    expect(f.delivery_rate).toBe(1);
  });

  it('lets a hard bounce after the delivery win, whatever order the rows come in', () => {
    const r = new DeliveryReport();
    r.add(ev('m', 'bounced', 9, { bounce: 'hard' }));
    r.add(ev('m', 'delivered', 4));
    r.add(ev('n', 'bounced', 1, { bounce: 'hard' }));
    r.add(ev('n', 'delivered', 4));
    const f = r.figures();
    expect(f.bounced_hard).toBe(1);
    expect(f.delivered).toBe(1);
    expect(f.sent).toBe(2);
    expect(f.bounce_rate).toBe(0.5);
  });

  it('counts a message without a handed-over row as sent when a later event shows it', () => {
    const r = new DeliveryReport();
    r.add(ev('m', 'opened', 5));
    expect(r.figures().sent).toBe(1);
    r.add(ev('d', 'dropped', 1));
    expect(r.figures().sent).toBe(1);
    expect(r.dropped()).toBe(1);
  });

  it('keeps people and machines apart: unique, total and machine-only', () => {
    const r = new DeliveryReport();
    r.add(ev('a', 'delivered', 1));
    r.add(ev('a', 'opened', 2, { machine: true }));
    r.add(ev('a', 'opened', 3));
    r.add(ev('a', 'opened', 4));
    r.add(ev('a', 'opened', 5));
    r.add(ev('b', 'delivered', 1));
    r.add(ev('b', 'opened', 2, { machine: true }));
    r.add(ev('b', 'clicked', 2, { machine: true }));
    r.add(ev('c', 'delivered', 1));
    r.add(ev('c', 'clicked', 2));
    const f = r.figures();
    expect(f.opened_unique).toBe(1);
    expect(f.opened_total).toBe(3);
    expect(f.opened_machine).toBe(1);
    expect(f.clicked_unique).toBe(1);
    expect(f.clicked_total).toBe(1);
    expect(f.clicked_machine).toBe(1);
    expect(f.open_rate).toBeCloseTo(1 / 3);
    expect(f.click_to_open_rate).toBe(1);
  });

  it('tells apart the recipients of one message id, and messages without an id by emailing', () => {
    const r = new DeliveryReport();
    r.add({ ...ev('m', 'delivered', 1), recipient: 'a@x.org' });
    r.add({ ...ev('m', 'delivered', 1), recipient: 'b@x.org' });
    r.add({ ...ev('m', 'opened', 2), recipient: 'b@x.org' });
    r.add({ ...ev('', 'delivered', 1), recipient: 'a@x.org', emailing: 'e1' });
    r.add({ ...ev('', 'delivered', 1), recipient: 'a@x.org', emailing: 'e2' });
    r.add({ ...ev('', 'opened', 1), recipient: 'a@x.org', emailing: 'e2' });
    expect(r.messages).toBe(4);
    expect(r.figures().opened_unique).toBe(2);
  });

  it('counts the same provider event id once', () => {
    const r = new DeliveryReport();
    r.add(ev('a', 'opened', 2, { eventId: 'x' }));
    r.add(ev('a', 'opened', 2, { eventId: 'x' }));
    r.add(ev('a', 'opened', 2));
    r.add(ev('a', 'opened', 2));
    expect(r.figures().opened_total).toBe(3);
    expect(r.repeated).toBe(1);
  });

  it('counts unsubscribes and complaints per message over delivered', () => {
    const r = new DeliveryReport();
    for (const m of ['a', 'b', 'c', 'd']) r.add(ev(m, 'delivered', 1));
    r.add(ev('a', 'unsubscribed', 2));
    r.add(ev('a', 'unsubscribed', 3));
    r.add(ev('b', 'complained', 2));
    const f = r.figures();
    expect(f.unsubscribed).toBe(1);
    expect(f.complained).toBe(1);
    expect(f.unsubscribe_rate).toBe(0.25);
    expect(f.complaint_rate).toBe(0.25);
  });

  it('grows past its first arrays without losing a message', () => {
    const r = new DeliveryReport();
    for (let i = 0; i < 5000; i++) r.add(ev(`m${i}`, 'delivered', i));
    expect(r.figures().delivered).toBe(5000);
    expect(r.messages).toBe(5000);
  });
});
