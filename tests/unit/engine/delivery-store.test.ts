import { describe, expect, it } from 'vitest';
import { BOUNCE_HARD, BOUNCE_SOFT, DELIVERY_KINDS } from '$lib/core/analytics/delivery-columns';
import { COMPACT_AFTER_PIECES, readDeliveryColumns } from '$lib/db/delivery-chunks';
import { encodeBackup } from '$lib/engine/backup';
import type { MatchedEvent } from '$lib/engine/delivery-service';
import { interceptWrites, importText, PEOPLE, PEOPLE_FIELDS, trackEngines } from './engine-fixture';

const { setup } = trackEngines();

const T0 = Date.parse('2026-06-01T08:00:00Z');

function ev(
  n: number,
  kind: MatchedEvent['kind'],
  extra: Partial<MatchedEvent> = {}
): MatchedEvent {
  return {
    messageId: `e1:${n}`,
    recipient: `p${n}@example.org`,
    emailing: 'e1',
    kind,
    at: T0 + n * 1000,
    machine: false,
    contact: n,
    ...extra
  };
}

const kindsOf = (c: { count: number; kind: Uint8Array }) =>
  Array.from(c.kind.subarray(0, c.count), (k) => DELIVERY_KINDS[k]);

describe('the delivery-event store', () => {
  it('appends events and reads them back as columns, from the cache and from storage', async () => {
    const { engine, db } = setup();
    const c = await engine.createCampaign('Spring');
    const first = await engine.delivery.append(c.id, [
      ev(0, 'sent'),
      ev(0, 'delivered'),
      ev(1, 'sent'),
      ev(1, 'bounced', { bounce: 'hard', reason: '550 5.1.1 user unknown' })
    ]);
    expect(first).toEqual({ added: 4, duplicates: 0 });
    await engine.delivery.append(c.id, [
      ev(0, 'opened', { machine: true }),
      ev(0, 'clicked', { url: 'https://example.org/a' })
    ]);
    const cols = await engine.delivery.deliveryColumns(c.id);
    expect(cols.count).toBe(6);
    expect(kindsOf(cols)).toEqual(['sent', 'delivered', 'sent', 'bounced', 'opened', 'clicked']);
    expect(Array.from(cols.machine)).toEqual([0, 0, 0, 0, 1, 0]);
    expect(cols.bounce[3]).toBe(BOUNCE_HARD);
    expect(cols.reasons[cols.reason[3]]).toBe('550 5.1.1 user unknown');
    expect(cols.urls[cols.url[5]]).toBe('https://example.org/a');
    expect(cols.message[0]).toBe(cols.message[4]);
    expect(cols.message[0]).not.toBe(cols.message[2]);
    expect(Array.from(cols.contact)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(cols.emailings[cols.emailing[0]]).toBe('e1');
    // What another tab (or a reload) reads from storage is the same.
    const stored = await readDeliveryColumns(db, c.id);
    expect(stored.columns).toEqual(cols);
    expect(stored.meta.count).toBe(6);
  });

  it('leaves out events it already holds when asked (a file imported twice adds nothing)', async () => {
    const { engine } = setup();
    const c = await engine.createCampaign('Spring');
    // Two identical opens in one file both count.
    const file = [ev(0, 'sent'), ev(0, 'opened'), ev(0, 'opened'), ev(1, 'sent')];
    expect(await engine.delivery.append(c.id, file, { dedupe: true })).toEqual({
      added: 4,
      duplicates: 0
    });
    expect(await engine.delivery.append(c.id, file, { dedupe: true })).toEqual({
      added: 0,
      duplicates: 4
    });
    // A third open of the same time is new.
    expect(
      await engine.delivery.append(c.id, [...file, ev(0, 'opened')], { dedupe: true })
    ).toEqual({ added: 1, duplicates: 4 });
    expect((await engine.delivery.deliveryColumns(c.id)).count).toBe(5);
  });

  it('changes nothing when an append fails midway or is cancelled', async () => {
    let refuse = false;
    const { engine, db } = setup(
      undefined,
      interceptWrites('refuse-delivery', 'deliveryChunks', async (req, write) => {
        if (refuse && req.type === 'put' && req.values.some((v) => v.column === 'meta'))
          throw new Error('disk full');
        return write(req);
      })
    );
    const c = await engine.createCampaign('Spring');
    await engine.delivery.append(c.id, [ev(0, 'sent')]);
    refuse = true;
    await expect(engine.delivery.append(c.id, [ev(1, 'sent'), ev(2, 'sent')])).rejects.toThrow(
      /disk full/
    );
    refuse = false;
    const controller = new AbortController();
    controller.abort();
    await expect(
      engine.delivery.append(c.id, [ev(3, 'sent')], { signal: controller.signal })
    ).rejects.toThrow();
    expect((await readDeliveryColumns(db, c.id)).columns.count).toBe(1);
    expect((await engine.delivery.deliveryColumns(c.id)).count).toBe(1);
    // The failed append's new dictionary entries did not leak into the next one.
    await engine.delivery.append(c.id, [ev(4, 'sent')]);
    const cols = await engine.delivery.deliveryColumns(c.id);
    expect(cols.messages).toEqual(['', 'e1:0\u0000p0@example.org', 'e1:4\u0000p4@example.org']);
    expect((await readDeliveryColumns(db, c.id)).columns).toEqual(cols);
  });

  it('serves what another tab appended, not its stale copy', async () => {
    const { engine, name } = setup();
    const c = await engine.createCampaign('Spring');
    await engine.delivery.append(c.id, [ev(0, 'sent')]);
    expect((await engine.delivery.deliveryColumns(c.id)).count).toBe(1);
    const other = setup(name).engine;
    await other.delivery.append(c.id, [ev(1, 'sent')]);
    expect((await engine.delivery.deliveryColumns(c.id)).count).toBe(2);
    // Both tabs appending from their own copies: nothing is lost.
    await engine.delivery.append(c.id, [ev(2, 'sent')]);
    await other.delivery.append(c.id, [ev(3, 'sent')]);
    expect((await engine.delivery.deliveryColumns(c.id)).count).toBe(4);
    expect((await other.delivery.deliveryColumns(c.id)).count).toBe(4);
  });

  it('serves what counting needs without message keys or contacts, then the whole on demand', async () => {
    const { engine, name, db } = setup();
    const c = await engine.createCampaign('Spring');
    await engine.delivery.append(c.id, [
      ev(0, 'sent'),
      ev(0, 'bounced', { bounce: 'hard', reason: '552 mailbox full' }),
      ev(1, 'clicked', { url: 'https://example.org/a' })
    ]);
    await db.bounceClasses.put({ campaignId: c.id, reason: '552 mailbox full', bounce: 'soft' });
    // A fresh worker (nothing held): only the counting part is read from storage.
    const fresh = setup(name).engine;
    const counting = await fresh.delivery.countingColumns(c.id);
    const whole = await engine.delivery.deliveryColumns(c.id);
    const { contact, messages, ...rest } = whole;
    expect(contact.length).toBe(3);
    expect(counting).not.toHaveProperty('contact');
    expect(counting.messages).toEqual({ length: messages.length });
    expect({ ...counting, messages: undefined }).toEqual({ ...rest, messages: undefined });
    expect(counting.bounce[1]).toBe(BOUNCE_SOFT);
    // Asked for afterwards, the whole columns come with their keys and contacts.
    expect(await fresh.delivery.deliveryColumns(c.id)).toEqual(whole);
    // Held counting columns are never served stale.
    await engine.delivery.append(c.id, [ev(2, 'sent')]);
    expect((await fresh.delivery.countingColumns(c.id)).count).toBe(4);
  });

  it('compacts many small appends into few pieces without changing the events', async () => {
    const { engine, db } = setup();
    const c = await engine.createCampaign('Spring');
    for (let i = 0; i < COMPACT_AFTER_PIECES + 2; i++)
      await engine.delivery.append(c.id, [ev(i, 'sent'), ev(i, 'delivered')]);
    const rows = await db.deliveryChunks.where('campaignId').equals(c.id).count();
    expect(rows).toBeLessThan(20 * 3);
    const { columns } = await readDeliveryColumns(db, c.id);
    expect(columns.count).toBe((COMPACT_AFTER_PIECES + 2) * 2);
    expect(columns).toEqual(await engine.delivery.deliveryColumns(c.id));
    expect(columns.messages.length).toBe(COMPACT_AFTER_PIECES + 3);
  });

  it('applies the user’s class per bounce reason when serving the events', async () => {
    const { engine, db } = setup();
    const c = await engine.createCampaign('Spring');
    await engine.delivery.append(c.id, [
      ev(0, 'bounced', { bounce: 'hard', reason: '552 mailbox full' }),
      ev(1, 'bounced', { bounce: 'hard', reason: '550 no such user' })
    ]);
    await db.bounceClasses.put({ campaignId: c.id, reason: '552 mailbox full', bounce: 'soft' });
    const cols = await engine.delivery.deliveryColumns(c.id);
    expect(Array.from(cols.bounce)).toEqual([BOUNCE_SOFT, BOUNCE_HARD]);
    // What is stored keeps the source's class.
    expect(Array.from((await readDeliveryColumns(db, c.id)).columns.bounce)).toEqual([
      BOUNCE_HARD,
      BOUNCE_HARD
    ]);
  });

  it('is deleted with its campaign', async () => {
    const { engine, db } = setup();
    const c = await engine.createCampaign('Spring');
    await engine.delivery.append(c.id, [ev(0, 'sent')]);
    await engine.deleteCampaign(c.id);
    expect(await db.deliveryChunks.count()).toBe(0);
  });
});

describe('delivery events in backups', () => {
  it('travel with the campaign and its bounce classes', async () => {
    const { engine, db } = setup();
    const c = await engine.createCampaign('Spring');
    expect((await importText(engine, c.id, PEOPLE, PEOPLE_FIELDS)).ok).toBe(true);
    await engine.delivery.append(c.id, [
      ev(0, 'sent'),
      ev(1, 'bounced', { bounce: 'hard', reason: '552 mailbox full' }),
      ev(2, 'opened', { machine: true })
    ]);
    await db.bounceClasses.put({ campaignId: c.id, reason: '552 mailbox full', bounce: 'soft' });
    const file = await engine.exportBackup(c.id);
    const restored = await engine.importBackup(file);
    expect(await engine.delivery.deliveryColumns(restored.id)).toEqual(
      await engine.delivery.deliveryColumns(c.id)
    );
    expect((await engine.delivery.bounceClasses(restored.id)).get('552 mailbox full')).toBe('soft');
  });

  it('restores a backup without delivery events (older format) with none', async () => {
    const { engine } = setup();
    const file = await encodeBackup(
      {
        campaign: {
          name: 'Old',
          createdAt: '2026-01-01T00:00:00Z',
          updatedAt: '2026-01-01T00:00:00Z',
          isDemo: false,
          eventTypes: []
        },
        contacts: null,
        events: null,
        segments: [],
        memberships: [],
        imports: [],
        reports: [],
        delivery: null,
        bounceClasses: []
      },
      '2026-01-01T00:00:00Z'
    );
    const restored = await engine.importBackup(file);
    expect((await engine.delivery.deliveryColumns(restored.id)).count).toBe(0);
  });

  it('refuses a backup whose delivery codes point past their dictionary, restoring nothing', async () => {
    const { engine, db } = setup();
    const c = await engine.createCampaign('Spring');
    expect((await importText(engine, c.id, PEOPLE, PEOPLE_FIELDS)).ok).toBe(true);
    await engine.delivery.append(c.id, [ev(0, 'sent'), ev(1, 'clicked', { url: 'https://a' })]);
    const good = await engine.delivery.deliveryColumns(c.id);
    const base = {
      campaign: {
        name: 'Bad',
        createdAt: '2026-01-01T00:00:00Z',
        updatedAt: '2026-01-01T00:00:00Z',
        isDemo: false,
        eventTypes: []
      },
      contacts: null,
      events: null,
      segments: [],
      memberships: [],
      imports: [],
      reports: [],
      bounceClasses: []
    };
    const badUrl = { ...good, url: Uint32Array.from([0, 7]) };
    await expect(
      engine.importBackup(await encodeBackup({ ...base, delivery: badUrl }, 'x'))
    ).rejects.toThrow(/delivery event 2 refers to entry 7 of its urls \(2\)/);
    const short = { ...good, at: good.at.slice(0, 1) };
    await expect(
      engine.importBackup(await encodeBackup({ ...base, delivery: short }, 'x'))
    ).rejects.toThrow(/at column does not have one value per event/);
    // Contact rows must exist: this backup has no contacts.
    await expect(
      engine.importBackup(await encodeBackup({ ...base, delivery: good }, 'x'))
    ).rejects.toThrow(/belongs to contact 1 of 0/);
    expect((await engine.listCampaigns()).map((x) => x.name)).toEqual(['Spring']);
    expect(await db.deliveryChunks.where('campaignId').notEqual(c.id).count()).toBe(0);
  });
});
