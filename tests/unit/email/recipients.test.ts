import { describe, expect, it } from 'vitest';
import { selectRecipients } from '$lib/core/email/recipients';

const DAY = 86_400_000;

describe('recipient selection', () => {
  it('sends one message per normalised address across several targets', () => {
    const a = [
      { contactId: 1, email: 'Ana@Example.org ' },
      { contactId: 2, email: 'bob@example.org' }
    ];
    const b = [
      { contactId: 2, email: 'bob@example.org' },
      { contactId: 3, email: 'ana@example.org' },
      { contactId: 4, email: 'cy@example.org' }
    ];
    const sel = selectRecipients([a, b], { suppressed: new Set() });
    expect(sel.contacts).toBe(4);
    expect(sel.recipients).toEqual([
      { contactId: 1, email: 'ana@example.org' },
      { contactId: 2, email: 'bob@example.org' },
      { contactId: 4, email: 'cy@example.org' }
    ]);
    expect(sel.skipped).toEqual([{ contactId: 3, email: 'ana@example.org', reason: 'duplicate' }]);
    expect(sel.counts).toEqual({ suppressed: 0, invalid: 0, duplicate: 1, capped: 0 });
  });

  it('skips suppressed, invalid and capped addresses with a count per reason', () => {
    const now = Date.UTC(2026, 0, 10);
    const contacts = [
      { contactId: 1, email: 'ok@example.org' },
      { contactId: 2, email: 'STOP@example.org' },
      { contactId: 3, email: 'not-an-email' },
      { contactId: 4, email: '' },
      { contactId: 5, email: 'recent@example.org' },
      { contactId: 6, email: 'old@example.org' }
    ];
    const sel = selectRecipients([contacts], {
      suppressed: new Set(['stop@example.org']),
      capDays: 7,
      lastReceived: new Map([
        ['recent@example.org', now - 2 * DAY],
        ['old@example.org', now - 8 * DAY]
      ]),
      now
    });
    expect(sel.recipients.map((r) => r.contactId)).toEqual([1, 6]);
    expect(sel.counts).toEqual({ suppressed: 1, invalid: 2, duplicate: 0, capped: 1 });
    expect(sel.contacts).toBe(sel.recipients.length + sel.skipped.length);
  });

  it('ignores the cap when it is off', () => {
    const sel = selectRecipients([[{ contactId: 1, email: 'a@b.co' }]], {
      suppressed: new Set(),
      capDays: null,
      lastReceived: new Map([['a@b.co', Date.now()]])
    });
    expect(sel.recipients).toHaveLength(1);
  });
});
