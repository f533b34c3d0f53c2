import { describe, expect, it } from 'vitest';
import {
  DeliveryReport,
  figuresOfColumns,
  toDeliveryColumns,
  type DeliveryEvent
} from '$lib/core/analytics';
import {
  buildDashboard,
  type DashboardInput,
  type LedgerCounts
} from '$lib/core/analytics/dashboard';
import { HOURLY_SPAN } from '$lib/core/analytics/dashboard-timeline';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0); // Monday 2 March 2026, 10:00 in Paris
const H = 3_600_000;

function ev(
  id: string,
  kind: DeliveryEvent['kind'],
  at: number,
  more: Partial<DeliveryEvent> = {}
): DeliveryEvent {
  return {
    messageId: id,
    recipient: `${id}@example.org`,
    emailing: 'e1',
    kind,
    at,
    machine: false,
    ...more
  };
}

function ledger(more: Partial<LedgerCounts> = {}): LedgerCounts {
  return {
    emailingId: 'e1',
    name: 'Spring news',
    contacts: 10,
    toSend: 7,
    accepted: 5,
    rejected: 1,
    skipCounts: { suppressed: 2, invalid: 1, duplicate: 0, capped: 0 },
    startedAt: new Date(T0).toISOString(),
    ...more
  };
}

function input(events: DeliveryEvent[], more: Partial<DashboardInput> = {}): DashboardInput {
  return {
    columns: toDeliveryColumns(events),
    ledger: [ledger()],
    emailing: null,
    from: null,
    to: null,
    timeZone: 'Europe/Paris',
    segments: [],
    participations: new Float64Array(0),
    ...more
  };
}

describe('buildDashboard figures', () => {
  it('gives null rates when nothing was sent or delivered (zero denominators)', () => {
    const d = buildDashboard(input([], { ledger: [] }));
    expect(d.figures.sent).toBe(0);
    expect(d.figures.delivery_rate).toBeNull();
    expect(d.figures.open_rate).toBeNull();
    expect(d.figures.click_to_open_rate).toBeNull();
    expect(d.figures.complaint_rate).toBeNull();
    expect(d.complaints).toEqual({ rate: null, confirm: false });
    expect(d.timeline).toEqual([]);
    expect(d.funnel.map((s) => s.stage)).toEqual(['sent', 'delivered', 'opened', 'clicked']);
  });

  it('counts the same figures as the delivery report (one meaning per name)', () => {
    const events = [
      ev('a', 'sent', T0),
      ev('a', 'delivered', T0 + 1000),
      ev('a', 'opened', T0 + 2000),
      ev('a', 'opened', T0 + 3000),
      ev('a', 'clicked', T0 + 4000, { url: 'https://x.example/1' }),
      ev('b', 'sent', T0),
      ev('b', 'delivered', T0 + 1000),
      ev('b', 'opened', T0 + 1500, { machine: true }),
      ev('c', 'sent', T0),
      ev('c', 'bounced', T0 + 1000, { bounce: 'hard', reason: '550 unknown user' }),
      ev('d', 'deferred', T0 + 500, { bounce: 'soft' }),
      ev('d', 'bounced', T0 + 900, { bounce: 'soft', reason: '421 try later' }),
      ev('d', 'delivered', T0 + 9000),
      ev('d', 'complained', T0 + 10_000)
    ];
    const report = new DeliveryReport();
    for (const e of events) report.add(e);
    const d = buildDashboard(input(events));
    expect(d.figures).toEqual(report.figures());
    // …and as the delivery store's own figures of the same columns.
    expect(d.figures).toEqual(figuresOfColumns(toDeliveryColumns(events)));
    expect(d.emailings[0].figures).toEqual(figuresOfColumns(toDeliveryColumns(events), 'e1'));
    // Unique vs total, humans apart from machines.
    expect(d.figures.opened_unique).toBe(1);
    expect(d.figures.opened_total).toBe(2);
    expect(d.figures.opened_machine).toBe(1);
    // Soft then delivered counts as delivered, not bounced.
    expect(d.figures.delivered).toBe(3);
    expect(d.figures.bounced_soft).toBe(0);
    expect(d.figures.bounced_hard).toBe(1);
    expect(d.bounceReasons).toEqual([{ reason: '550 unknown user', bounce: 'hard', messages: 1 }]);
  });

  it('counts late (out of order) and repeated events once per message', () => {
    const inOrder = [
      ev('a', 'sent', T0),
      ev('a', 'delivered', T0 + 1000),
      ev('a', 'opened', T0 + 2000)
    ];
    const late = [
      ev('a', 'opened', T0 + 2000),
      ev('a', 'delivered', T0 + 1000),
      ev('a', 'sent', T0),
      ev('a', 'sent', T0),
      ev('a', 'delivered', T0 + 1000)
    ];
    const a = buildDashboard(input(inOrder));
    const b = buildDashboard(input(late));
    expect(b.figures).toEqual(a.figures);
    expect(b.figures.sent).toBe(1);
    expect(b.figures.delivered).toBe(1);
    expect(b.timeline.reduce((n, x) => n + x.sent, 0)).toBe(1);
    expect(b.funnel.find((s) => s.stage === 'sent')?.count).toBe(1);
  });

  it('flags an emailing over 0.1 % complaints and asks for confirmation over 0.3 %', () => {
    const events: DeliveryEvent[] = [];
    for (let i = 0; i < 1000; i++) {
      events.push(ev(`m${i}`, 'delivered', T0 + i));
      if (i < 2) events.push(ev(`m${i}`, 'complained', T0 + 5000 + i));
    }
    const two = buildDashboard(input(events));
    expect(two.emailings[0].figures.complaint_rate).toBe(0.002);
    expect(two.emailings[0].complaintFlag).toBe(true);
    expect(two.complaints.confirm).toBe(false);
    events.push(ev('m2', 'complained', T0 + 6000), ev('m3', 'complained', T0 + 6001));
    const four = buildDashboard(input(events));
    expect(four.complaints.rate).toBe(0.004);
    expect(four.complaints.confirm).toBe(true);
    const one = buildDashboard(
      input(events.filter((e) => e.kind !== 'complained' || e.messageId === 'm0'))
    );
    expect(one.emailings[0].complaintFlag).toBe(false);
  });
});

describe('buildDashboard by emailing', () => {
  const events = [
    ev('a', 'sent', T0),
    ev('a', 'delivered', T0 + 1000),
    ev('a', 'opened', T0 + 2000),
    ev('b', 'sent', T0 + 5 * H, { emailing: 'e2' }),
    ev('b', 'delivered', T0 + 5 * H + 1000, { emailing: 'e2' }),
    // A relay event without the emailing: the message's other events tell which it is.
    ev('b', 'clicked', T0 + 6 * H, { emailing: '', url: 'https://x.example/2' })
  ];
  const both = [
    ledger(),
    ledger({
      emailingId: 'e2',
      name: 'Summer',
      contacts: 4,
      toSend: 4,
      accepted: 1,
      rejected: 0,
      skipCounts: { suppressed: 0, invalid: 0, duplicate: 0, capped: 0 }
    })
  ];

  it('keeps only the chosen emailing in figures, charts and ledger counts', () => {
    const d = buildDashboard(input(events, { ledger: both, emailing: 'e2' }));
    expect(d.figures.sent).toBe(1);
    expect(d.figures.opened_unique).toBe(0);
    expect(d.figures.clicked_unique).toBe(1);
    expect(d.ledger.contacts).toBe(4);
    expect(d.ledger.accepted).toBe(1);
    expect(d.links).toEqual([{ url: 'https://x.example/2', uniqueHuman: 1, human: 1, machine: 0 }]);
    expect(d.timeline[0].sent).toBe(1);
    expect(d.timeline.reduce((n, b) => n + b.openedHuman, 0)).toBe(0);
    // Per-emailing figures list every emailing whatever the filter.
    expect(d.emailings.map((e) => [e.id, e.figures.sent])).toEqual([
      ['e1', 1],
      ['e2', 1]
    ]);
  });

  it('shows the whole campaign without a filter, and nothing for an emailing with no events', () => {
    const all = buildDashboard(input(events, { ledger: both }));
    expect(all.figures.sent).toBe(2);
    expect(all.ledger.contacts).toBe(14);
    const none = buildDashboard(input(events, { ledger: both, emailing: 'e3' }));
    expect(none.figures.sent).toBe(0);
    expect(none.timeline).toEqual([]);
  });

  it('explains segment size against messages sent with the ledger reasons', () => {
    const d = buildDashboard(input(events));
    expect(d.gap.contacts).toBe(10);
    expect(d.gap.sent).toBe(5);
    expect(d.gap.reasons).toEqual([
      { reason: 'suppressed', label: 'On the suppression list', count: 2 },
      { reason: 'invalid', label: 'Invalid address', count: 1 },
      { reason: 'rejected', label: 'Rejected by the relay', count: 1 },
      { reason: 'not_sent', label: 'Not handed over yet', count: 1 }
    ]);
    // 10 contacts = 5 sent + 3 skipped + 1 rejected + 1 not handed over.
    expect(d.gap.sent + d.gap.reasons.reduce((n, r) => n + r.count, 0)).toBe(d.gap.contacts);
    expect(d.ledger.skipped).toBe(3);
    expect(d.ledger.sent).toBe(6);
    expect(d.funnel[0]).toEqual({ stage: 'to_send', label: 'To send', count: 7 });
  });
});

describe('buildDashboard timeline', () => {
  it('buckets hourly for 48 hours from the first send, then by day, humans and machines apart', () => {
    const events = [
      ev('a', 'sent', T0 + 20 * 60_000), // 10:20 Paris
      ev('a', 'opened', T0 + 25 * 60_000, { machine: true }),
      ev('a', 'opened', T0 + 90 * 60_000), // 11:30
      ev('a', 'clicked', T0 + 50 * H, { url: 'https://x.example/1' }), // Wed 12:00
      ev('a', 'opened', T0 + 4 * 24 * H) // Fri 10:00
    ];
    const d = buildDashboard(input(events));
    expect(d.timeline[0]).toMatchObject({
      label: '2 Mar 10:00',
      hourly: true,
      sent: 1,
      openedMachine: 1,
      openedHuman: 0
    });
    expect(d.timeline[1]).toMatchObject({ label: '2 Mar 11:00', openedHuman: 1 });
    expect(d.timeline[HOURLY_SPAN]).toMatchObject({
      label: '4 Mar',
      hourly: false,
      clickedHuman: 1
    });
    // The first day bucket starts where the hours end (Wed 10:00), not at midnight.
    expect(d.timeline[HOURLY_SPAN].start).toBe(T0 + 48 * H);
    expect(d.timeline.at(-1)).toMatchObject({ label: '6 Mar', openedHuman: 1 });
    expect(d.timeline.length).toBe(HOURLY_SPAN + 3);
  });

  it('stops the hours after the last event while it is within 48 hours (6 at least)', () => {
    const events = [ev('a', 'sent', T0), ev('a', 'opened', T0 + 9.5 * H)];
    const d = buildDashboard(input(events));
    expect(d.timeline.map((b) => b.label)).toHaveLength(10);
    expect(d.timeline.every((b) => b.hourly)).toBe(true);
    expect(d.timeline[9]).toMatchObject({ label: '2 Mar 19:00', openedHuman: 1 });
    expect(buildDashboard(input([ev('a', 'sent', T0)])).timeline).toHaveLength(6);
  });

  it('counts hours and days in the campaign zone across a DST change', () => {
    // Paris springs forward on 29 March 2026 at 02:00 (01:00 UTC): 01:30 then 03:30.
    const before = Date.UTC(2026, 2, 29, 0, 30);
    const events = [
      ev('a', 'sent', before),
      ev('a', 'opened', before + H),
      ev('a', 'opened', Date.UTC(2026, 2, 31, 21, 30)) // 31 March 23:30 Paris (21:30 UTC)
    ];
    const d = buildDashboard(input(events));
    expect(d.timeline[0].label).toBe('29 Mar 01:00');
    expect(d.timeline[1].label).toBe('29 Mar 03:00');
    expect(d.timeline[1].openedHuman).toBe(1);
    // In UTC the last open is on 31 March too, but 23:30 Paris on 31 March stays in that day.
    const last = d.timeline.at(-1)!;
    expect(last).toMatchObject({ label: '31 Mar', openedHuman: 1 });
    const tokyo = buildDashboard(input(events, { timeZone: 'Asia/Tokyo' }));
    expect(tokyo.timeline.at(-1)).toMatchObject({ label: '1 Apr', openedHuman: 1 });
  });

  it('leaves out events outside the date range', () => {
    const events = [
      ev('a', 'sent', T0),
      ev('a', 'delivered', T0 + 1000),
      ev('b', 'sent', T0 + 3 * 24 * H),
      ev('b', 'delivered', T0 + 3 * 24 * H + 1000)
    ];
    const d = buildDashboard(input(events, { from: T0 + 24 * H, to: null }));
    expect(d.figures.sent).toBe(1);
    expect(d.timeline[0].start).toBe(T0 + 3 * 24 * H);
  });
});

describe('buildDashboard segments and participations', () => {
  it('orders segment generations and counts participations per local day', () => {
    const d = buildDashboard(
      input([], {
        segments: [
          {
            id: 's1',
            name: 'Opted in',
            history: [
              { at: '2026-03-05T10:00:00.000Z', size: 120 },
              { at: '2026-03-01T10:00:00.000Z', size: 100 }
            ]
          }
        ],
        participations: Float64Array.from([
          Date.UTC(2026, 2, 1, 22, 30), // 1 March 23:30 Paris
          Date.UTC(2026, 2, 1, 23, 30), // 2 March 00:30 Paris
          Date.UTC(2026, 2, 2, 12, 0)
        ])
      })
    );
    expect(d.segments[0].history.map((p) => p.size)).toEqual([100, 120]);
    expect(d.participations.map((p) => [p.label, p.count])).toEqual([
      ['1 Mar', 1],
      ['2 Mar', 2]
    ]);
  });
});
