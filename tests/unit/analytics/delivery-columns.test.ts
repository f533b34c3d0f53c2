import { describe, expect, it } from 'vitest';
import {
  BOUNCE_HARD,
  DELIVERY_KINDS,
  messageKey,
  toDeliveryColumns,
  type DeliveryEvent
} from '$lib/core/analytics';

const base = { recipient: 'ann@example.org', emailing: 'spring', machine: false } as const;

describe('toDeliveryColumns', () => {
  it('codes kinds, messages, emailings, reasons and URLs, with code 0 as none', () => {
    const events: DeliveryEvent[] = [
      { ...base, messageId: 'm1', kind: 'sent', at: 1000 },
      { ...base, messageId: 'm1', kind: 'bounced', at: 2000, bounce: 'hard', reason: '550 no' },
      {
        ...base,
        messageId: '',
        kind: 'clicked',
        at: 3000,
        url: 'https://a.example/x',
        machine: true
      }
    ];
    const columns = toDeliveryColumns(events, (event) => (event.messageId === 'm1' ? 7 : -1));
    expect(columns.count).toBe(3);
    expect([...columns.kind].map((k) => DELIVERY_KINDS[k])).toEqual(['sent', 'bounced', 'clicked']);
    expect([...columns.at]).toEqual([1000, 2000, 3000]);
    expect(columns.message[0]).toBe(columns.message[1]);
    expect(columns.messages[columns.message[2]]).toBe(messageKey(events[2]));
    expect(columns.message[2]).not.toBe(columns.message[0]);
    expect([...columns.contact]).toEqual([7, 7, -1]);
    expect(columns.bounce[1]).toBe(BOUNCE_HARD);
    expect(columns.reasons[columns.reason[1]]).toBe('550 no');
    expect(columns.reason[0]).toBe(0);
    expect(columns.urls[columns.url[2]]).toBe('https://a.example/x');
    expect([...columns.machine]).toEqual([0, 0, 1]);
    expect(columns.emailings).toEqual(['', 'spring']);
  });
});
