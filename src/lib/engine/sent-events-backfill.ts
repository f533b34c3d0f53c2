/**
 * Emailings sent before database version 6 have their send results only in the send ledger:
 * version 6 started writing them as `sent` / `dropped` delivery events, the one source the
 * dashboards and the email conditions of segments count sends from. Without this, an upgrade
 * would show every earlier emailing as never sent. At start, an emailing whose recorded
 * results outnumber its sent and dropped events gets the missing ones from its ledger rows,
 * appended deduplicated (a message whose event is already stored is not added again), so
 * running it again, or on a database that needs nothing, adds nothing.
 */
import { DELIVERY_KINDS } from '$lib/core/analytics/delivery-columns';
import type { LedgerRow } from '$lib/db/emailings';
import type { MatchedEvent, DeliveryService } from './delivery-service';
import type { EngineContext } from './engine-context';

const SENT = DELIVERY_KINDS.indexOf('sent');
const DROPPED = DELIVERY_KINDS.indexOf('dropped');

/** The delivery event a recorded ledger row stands for (as the sender writes it now). */
function eventOf(row: LedgerRow, fallbackAt: number): MatchedEvent {
  const at = row.handedAt ? Date.parse(row.handedAt) : NaN;
  const accepted = row.state === 'accepted';
  return {
    messageId: row.messageId,
    recipient: row.email,
    emailing: row.emailingId,
    kind: accepted ? 'sent' : 'dropped',
    at: Number.isFinite(at) ? at : fallbackAt,
    machine: false,
    contact: row.contactId,
    ...(!accepted && row.bounce ? { bounce: row.bounce } : {}),
    ...(!accepted ? { reason: row.reason ?? 'The relay returned no result for this message.' } : {})
  };
}

/** Adds the missing send events; returns how many were added. */
export async function backfillSentEvents(
  ctx: EngineContext,
  delivery: DeliveryService
): Promise<number> {
  const { db } = ctx;
  const emailings = (await db.emailings.toArray()).filter((e) => e.accepted + e.rejected > 0);
  const byCampaign = new Map<string, typeof emailings>();
  for (const e of emailings) {
    const list = byCampaign.get(e.campaignId) ?? [];
    list.push(e);
    byCampaign.set(e.campaignId, list);
  }
  let added = 0;
  for (const [campaignId, list] of byCampaign) {
    if (!(await db.campaigns.get(campaignId))) continue;
    const { columns } = await delivery.storedColumnsNow(campaignId);
    const recorded = new Map<number, number>();
    for (let i = 0; i < columns.count; i++) {
      const k = columns.kind[i];
      if (k === SENT || k === DROPPED)
        recorded.set(columns.emailing[i], (recorded.get(columns.emailing[i]) ?? 0) + 1);
    }
    const events: MatchedEvent[] = [];
    for (const e of list) {
      const code = columns.emailings.indexOf(e.id);
      if ((code > 0 ? (recorded.get(code) ?? 0) : 0) >= e.accepted + e.rejected) continue;
      const rows = await db.sendLedger
        .where('[emailingId+state]')
        .anyOf([e.id, 'accepted'], [e.id, 'rejected'])
        .toArray();
      const fallback = Date.parse(e.startedAt ?? e.updatedAt);
      // In the order they were sent (batch, then place in it), as the sender appends them.
      const place = (r: LedgerRow) => Number(r.messageId.slice(r.messageId.lastIndexOf(':') + 1));
      rows.sort((a, b) => (a.batchNo ?? 0) - (b.batchNo ?? 0) || place(a) - place(b));
      for (const r of rows)
        events.push(eventOf(r, Number.isFinite(fallback) ? fallback : ctx.now()));
    }
    if (events.length > 0)
      added += (await delivery.append(campaignId, events, { dedupe: true })).added;
  }
  return added;
}
