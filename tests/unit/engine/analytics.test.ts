/**
 * The Analytics tab's figures from the engine: segment generations recorded (and kept in a
 * backup), the send ledger's messages and counters, participation events per day, and the
 * complaint check made before sending.
 */
import { describe, expect, it } from 'vitest';
import type { EmailingRow, LedgerRow } from '$lib/db/emailings';
import {
  csvFile,
  EVAL_OPTIONS,
  EVENT_OPTIONS,
  importText,
  PEOPLE,
  PEOPLE_FIELDS,
  all,
  trackEngines
} from './engine-fixture';

const { setup } = trackEngines();

function emailingRow(campaignId: string, more: Partial<EmailingRow> = {}): EmailingRow {
  return {
    id: 'em1',
    campaignId,
    name: 'June news',
    fromName: 'Slice',
    fromEmail: 'news@example.org',
    replyTo: '',
    subject: 'Hello',
    html: '<p>Hi</p>',
    text: '',
    status: 'finished',
    targets: [],
    refreshTargets: false,
    scheduledAt: null,
    capDays: null,
    materialised: true,
    nextBatchNo: 1,
    contacts: 4,
    toSend: 3,
    accepted: 2,
    rejected: 1,
    skipCounts: { suppressed: 1, invalid: 0, duplicate: 0, capped: 0 },
    createdAt: '2026-06-14T08:00:00.000Z',
    updatedAt: '2026-06-14T09:00:00.000Z',
    startedAt: '2026-06-14T08:00:00.000Z',
    finishedAt: '2026-06-14T09:00:00.000Z',
    error: null,
    ...more
  };
}

function ledgerRow(campaignId: string, n: number, more: Partial<LedgerRow>): LedgerRow {
  return {
    emailingId: 'em1',
    messageId: `em1:1:${n}`,
    campaignId,
    contactId: n,
    email: `p${n}@example.org`,
    state: 'accepted',
    reason: null,
    batchNo: 1,
    handedAt: '2026-06-14T08:10:00.000Z',
    doneAt: '2026-06-14T08:10:01.000Z',
    ...more
  };
}

describe('campaign dashboard in the engine', () => {
  it('counts the ledger, records every segment generation and keeps it in backups', async () => {
    const { engine, db } = setup();
    const c = await engine.createCampaign('A', 'Europe/Brussels');
    expect((await importText(engine, c.id, PEOPLE, PEOPLE_FIELDS)).ok).toBe(true);
    const events = await engine.importEvents(
      c.id,
      csvFile(
        'contact,type,target,at,amount\n' +
          'marc@example.org,participation,quiz,2026-06-13T21:30:00Z,\n' + // 13 June 23:30 Brussels
          'ana@example.com,participation,quiz,2026-06-13T22:30:00Z,\n' + // 14 June 00:30
          'ana@example.com,purchase,,2026-06-13T22:40:00Z,\n',
        'events.csv'
      ),
      EVENT_OPTIONS
    );
    expect(events).toMatchObject({ ok: true, added: 3 });
    const fr = await engine.saveSegment({
      campaignId: c.id,
      name: 'French',
      definition: all({ kind: 'attribute', field: 'email', rule: 'ends_with', value: '.fr' })
    });
    await engine.generate(fr.id, EVAL_OPTIONS);
    await importText(engine, c.id, 'email\nnew@example.fr\n', { email: 'email' });
    await engine.generate(fr.id, EVAL_OPTIONS);
    await db.emailings.put(emailingRow(c.id));
    await db.sendLedger.bulkPut([
      ledgerRow(c.id, 0, {}),
      ledgerRow(c.id, 1, { bounce: 'soft', reason: '452 mailbox full' }),
      ledgerRow(c.id, 2, { state: 'rejected', bounce: 'hard', reason: '550 no such user' }),
      ledgerRow(c.id, 3, { state: 'skipped', reason: 'suppressed', handedAt: null })
    ]);

    const d = await engine.campaignDashboard(c.id);
    expect(d).not.toBeNull();
    expect(d!.ledger).toMatchObject({
      contacts: 4,
      toSend: 3,
      accepted: 2,
      rejected: 1,
      suppressed: 1
    });
    // The rejection was never handed over (dropped), as the sender writes relay results.
    expect(d!.figures).toMatchObject({ sent: 2, bounced_hard: 0, bounced_soft: 1, delivered: 0 });
    expect(d!.bounceReasons).toEqual([{ reason: '452 mailbox full', bounce: 'soft', messages: 1 }]);
    expect(d!.gap.reasons.find((r) => r.reason === 'rejected')?.count).toBe(1);
    expect(d!.emailings.map((e) => e.name)).toEqual(['June news']);
    expect(d!.timeZone).toBe('Europe/Brussels');
    expect(d!.participations.map((p) => [p.label, p.count])).toEqual([
      ['13 Jun', 1],
      ['14 Jun', 1]
    ]);
    const history = d!.segments.find((s) => s.id === fr.id)!.history;
    expect(history.map((p) => p.size)).toEqual([2, 3]);

    // Relay events in the delivery store join the ledger's messages (same message keys).
    const at = Date.parse('2026-06-14T08:20:00.000Z');
    const relayEvent = { emailing: 'em1', machine: false, contact: 0 };
    await engine.delivery.append(c.id, [
      { ...relayEvent, messageId: 'em1:1:0', recipient: 'p0@example.org', kind: 'delivered', at },
      {
        ...relayEvent,
        messageId: 'em1:1:0',
        recipient: 'p0@example.org',
        kind: 'opened',
        at: at + 60_000
      },
      {
        ...relayEvent,
        messageId: 'em1:1:0',
        recipient: 'p0@example.org',
        kind: 'complained',
        at: at + 120_000
      }
    ]);
    const withEvents = await engine.campaignDashboard(c.id);
    expect(withEvents!.figures).toMatchObject({
      sent: 2,
      delivered: 1,
      opened_unique: 1,
      complained: 1
    });
    expect(withEvents!.emailings[0].complaintFlag).toBe(true);
    const complaints = await engine.campaignComplaints(c.id);
    expect(complaints).toMatchObject({ rate: 1, confirm: true });
    // Each emailing's rate and flag, as the Emailings list shows them: the dashboard's.
    expect(complaints.emailings).toEqual(
      withEvents!.emailings.map((e) => ({
        id: e.id,
        rate: e.figures.complaint_rate,
        flag: e.complaintFlag
      }))
    );
    expect(complaints.emailings[0]).toMatchObject({ rate: 1, flag: true });
    const byEmailing = await engine.campaignDashboard(c.id, { emailingId: 'em1' });
    expect(byEmailing!.figures.sent).toBe(2);

    const backup = await engine.exportBackup(c.id);
    await engine.deleteCampaign(c.id);
    const restored = await engine.importBackup(backup);
    const segments = await engine.listSegments(restored.id);
    expect(segments.find((s) => s.name === 'French')?.sizeHistory?.map((p) => p.size)).toEqual([
      2, 3
    ]);
    expect(await engine.campaignComplaints(restored.id)).toMatchObject({ rate: 1, confirm: true });
  });
});
