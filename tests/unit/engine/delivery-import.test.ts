/**
 * A provider's delivery-event export imported into a campaign: the preset recognised (or
 * chosen), rows matched to contacts by email or by a Slice message id, unmatched rows stored
 * and listed, unknown event types and unreadable rows listed and not stored, re-imports adding
 * nothing, the user's bounce classes applied, and bad files refused with nothing changed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { figuresOf } from '../support/delivery-figures';
import { csvFile, importText, trackEngines } from './engine-fixture';

const { setup } = trackEngines();

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/delivery/${name}`, import.meta.url), 'utf8');

async function campaignWithParticipants() {
  const made = setup();
  const c = await made.engine.createCampaign('Spring');
  const imported = await importText(made.engine, c.id, fixture('participants.csv'), {
    email: 'email',
    first_name: 'text',
    city: 'text'
  });
  expect(imported.ok).toBe(true);
  return { ...made, campaignId: c.id };
}

const OPTIONS = { encoding: 'utf-8', delimiter: ',' } as const;

describe('importing a provider export', () => {
  it('recognises the preset from the header and shows the columns it maps', async () => {
    const { engine } = setup();
    const sg = await engine.previewDelivery(
      csvFile(fixture('sendgrid-unmatched.csv'), 'sendgrid.csv')
    );
    expect(sg.detected).toBe('sendgrid');
    expect(sg.preset).toBe('sendgrid');
    expect(sg.mapped).toEqual(
      expect.arrayContaining([
        { role: 'contact', label: 'Recipient (email)', column: 'email' },
        { role: 'type', label: 'Event type', column: 'event' },
        { role: 'at', label: 'Time', column: 'timestamp' },
        { role: 'messageId', label: 'Message id', column: 'sg_message_id' },
        { role: 'machine', label: 'Machine flag', column: 'sg_machine_open' }
      ])
    );
    const mg = await engine.previewDelivery(csvFile(fixture('mailgun-events.csv'), 'mg.csv'));
    expect(mg.detected).toBe('mailgun');
    // A preset forced over the header: its required columns are named when missing.
    const forced = await engine.previewDelivery(csvFile(fixture('mailgun-events.csv'), 'mg.csv'), {
      preset: 'slice'
    });
    expect(forced.problem?.message).toMatch(/Slice events needs the column\(s\) contact, type, at/);
    const none = await engine.previewDelivery(csvFile('a,b\n1,2\n', 'x.csv'));
    expect(none.problem).toMatchObject({ line: 1, message: expect.stringMatching(/header/) });
  });

  it('stores matched and unmatched rows, lists the rest, feeds suppressions; a re-import adds nothing', async () => {
    const { engine, campaignId } = await campaignWithParticipants();
    const file = csvFile(fixture('sendgrid-unmatched.csv'), 'sendgrid.csv');
    const outcome = await engine.importDelivery(campaignId, file, OPTIONS);
    expect(outcome).toMatchObject({
      ok: true,
      preset: 'sendgrid',
      rowsRead: 21,
      added: 19,
      duplicates: 0,
      unmatched: 3,
      unreadable: 1,
      unknownTypes: { group_resubscribe: 1 },
      suppressed: 2,
      listed: 5
    });
    if (!outcome.ok) return;
    const columns = await engine.delivery.deliveryColumns(campaignId);
    expect(figuresOf(columns)).toMatchObject({
      sent: 7,
      delivered: 4,
      bounced_hard: 1,
      bounced_soft: 1,
      opened_unique: 1,
      opened_total: 2,
      opened_machine: 1,
      clicked_unique: 1,
      unsubscribed: 1,
      complained: 1
    });
    // Matched by email to the participants' rows; zoe and yann are not participants.
    const contactsOf = new Set(Array.from(columns.contact));
    expect([...contactsOf].sort()).toEqual([-1, 0, 1, 2, 3, 4]);
    const report = await engine.rejectedRows(outcome.importId, { offset: 0, limit: 10 });
    expect(report.rows).toEqual([
      { line: 18, column: 'email', reason: expect.stringMatching(/stored without a contact.*zoe/) },
      { line: 19, column: 'email', reason: expect.stringMatching(/stored without a contact.*zoe/) },
      { line: 20, column: 'email', reason: expect.stringMatching(/yann/) },
      { line: 21, column: 'event', reason: "unknown event type 'group_resubscribe'" },
      { line: 22, column: 'timestamp', reason: "'not-a-time' is not a time" }
    ]);
    expect(await engine.rejectedReport(outcome.importId)).toMatch(
      /^line,column,reason,raw\r?\n18,email,/
    );
    const suppressed = Object.fromEntries(
      (await engine.listSuppressions(campaignId)).map((s) => [s.email, s.reason])
    );
    expect(suppressed).toEqual({
      'dave@example.com': 'hard_bounce',
      'erin@example.com': 'complained'
    });
    const history = await engine.listImports(campaignId);
    expect(history[0]).toMatchObject({ kind: 'delivery', status: 'done', added: 19 });

    const again = await engine.importDelivery(campaignId, file, OPTIONS);
    expect(again).toMatchObject({ ok: true, added: 0, duplicates: 19 });
    expect((await engine.delivery.deliveryColumns(campaignId)).count).toBe(19);
  });

  it('matches rows carrying a Slice message id to the message’s contact and emailing', async () => {
    const { engine, db, campaignId } = await campaignWithParticipants();
    const emailing = await engine.createEmailing(campaignId, { name: 'June' });
    await db.sendLedger.add({
      emailingId: emailing.id,
      messageId: `${emailing.id}:3`,
      campaignId,
      contactId: 3,
      email: 'dave@example.com',
      state: 'accepted',
      reason: null,
      batchNo: 0,
      handedAt: '2026-01-01T10:00:00.000Z',
      doneAt: '2026-01-01T10:00:01.000Z'
    });
    const text = [
      'contact,type,at,message_id',
      // The address in the file is an alias: the message id says whose message it is.
      `d.alias@example.net,opened,2026-01-01T12:00:00Z,${emailing.id}:3`
    ].join('\n');
    const outcome = await engine.importDelivery(campaignId, csvFile(text, 'slice.csv'), OPTIONS);
    expect(outcome).toMatchObject({ ok: true, preset: 'slice', added: 1, unmatched: 0 });
    const c = await engine.delivery.deliveryColumns(campaignId);
    expect(c.contact[0]).toBe(3);
    expect(c.emailings[c.emailing[0]]).toBe(emailing.id);
    const messages = await engine.contactMessages(campaignId, 3);
    expect(messages).toEqual([
      expect.objectContaining({
        emailing: emailing.id,
        name: 'June',
        ledgerState: 'accepted',
        steps: [expect.objectContaining({ kind: 'opened', machine: false })]
      })
    ]);
  });

  it('applies the user’s bounce class per reason to the figures and the suppression feed', async () => {
    const { engine, campaignId } = await campaignWithParticipants();
    await engine.setBounceClass(campaignId, '552 5.2.2 mailbox full', 'hard');
    await engine.setBounceClass(campaignId, '550 5.1.1 user unknown', 'soft');
    const outcome = await engine.importDelivery(
      campaignId,
      csvFile(fixture('sendgrid-unmatched.csv'), 'sendgrid.csv'),
      OPTIONS
    );
    expect(outcome.ok).toBe(true);
    const suppressed = (await engine.listSuppressions(campaignId)).map((s) => s.email).sort();
    expect(suppressed).toEqual(['carol@example.com', 'erin@example.com']);
    expect(await engine.bounceReasons(campaignId)).toEqual([
      { reason: '550 5.1.1 user unknown', bounces: 1, source: 'hard', override: 'soft' },
      { reason: '552 5.2.2 mailbox full', bounces: 1, source: 'soft', override: 'hard' }
    ]);
    const f = figuresOf(await engine.delivery.deliveryColumns(campaignId));
    expect([f.bounced_hard, f.bounced_soft]).toEqual([1, 1]);
    await engine.setBounceClass(campaignId, '550 5.1.1 user unknown', null);
    const g = figuresOf(await engine.delivery.deliveryColumns(campaignId));
    expect([g.bounced_hard, g.bounced_soft]).toEqual([2, 0]);
  });

  it('refuses a bad file naming the line, and changes nothing', async () => {
    const { engine, campaignId } = await campaignWithParticipants();
    const unclosed =
      'email,timestamp,event\na@example.com,1767261600,processed\n"b@example.com,1767261600,open\n';
    const outcome = await engine.importDelivery(campaignId, csvFile(unclosed, 'bad.csv'), OPTIONS);
    expect(outcome).toMatchObject({
      ok: false,
      cancelled: false,
      message: expect.stringMatching(/line 3.*never closed.*Nothing was imported/)
    });
    const header = await engine.importDelivery(
      campaignId,
      csvFile('who,what\nx,y\n', 'bad.csv'),
      OPTIONS
    );
    expect(header).toMatchObject({ ok: false, message: expect.stringMatching(/line 1/) });
    expect((await engine.delivery.deliveryColumns(campaignId)).count).toBe(0);
    expect(await engine.listSuppressions(campaignId)).toEqual([]);
  });

  it('changes nothing when cancelled', async () => {
    const { engine, campaignId } = await campaignWithParticipants();
    const rows = ['email,timestamp,event,sg_message_id'];
    for (let i = 0; i < 60_000; i++)
      rows.push(`p${i}@example.com,${1767261600 + i},processed,m${i}`);
    let cancelled = false;
    const outcome = await engine.importDelivery(
      campaignId,
      csvFile(rows.join('\n'), 'big.csv'),
      OPTIONS,
      (p) => {
        if (!cancelled) {
          cancelled = true;
          void engine.cancelImport(p.importId);
        }
      }
    );
    expect(outcome).toMatchObject({ ok: false, cancelled: true });
    expect((await engine.delivery.deliveryColumns(campaignId)).count).toBe(0);
    expect((await engine.listImports(campaignId))[0]).toMatchObject({ status: 'cancelled' });
  });
});
