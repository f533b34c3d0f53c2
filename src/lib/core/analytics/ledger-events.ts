/**
 * What the send ledger knows of its messages, as delivery events, the way the sender writes
 * relay results into the delivery store: an accepted message was handed over (`sent`, at its
 * hand-over time) and a soft bounce the relay reported later is a bounce; a rejection was
 * `dropped` (never handed over), with its class and reason. For emailings sent before the
 * store existed. The message
 * key is the ledger's message id and address, the same id the relay's events carry, so the
 * delivery store's events for a message and these count as one message.
 */
import type { DeliveryEvent } from './delivery-event';

export interface LedgerMessage {
  emailingId: string;
  messageId: string;
  email: string;
  state: string;
  reason: string | null;
  handedAt: string | null;
  doneAt: string | null;
  bounce?: 'hard' | 'soft';
}

export function ledgerEvents(rows: readonly LedgerMessage[]): DeliveryEvent[] {
  const out: DeliveryEvent[] = [];
  for (const r of rows) {
    if (r.state !== 'accepted' && r.state !== 'rejected') continue;
    const base = {
      messageId: r.messageId,
      recipient: r.email,
      emailing: r.emailingId,
      machine: false
    };
    const handed = Date.parse(r.handedAt ?? r.doneAt ?? '');
    const done = Date.parse(r.doneAt ?? r.handedAt ?? '');
    if (!Number.isFinite(handed)) continue;
    if (r.state === 'accepted') {
      out.push({ ...base, kind: 'sent', at: handed });
      if (r.bounce) {
        out.push({ ...base, kind: 'bounced', at: done, bounce: r.bounce, reason: r.reason ?? '' });
      }
    } else {
      out.push({
        ...base,
        kind: 'dropped',
        at: done,
        ...(r.bounce ? { bounce: r.bounce } : {}),
        reason: r.reason ?? ''
      });
    }
  }
  return out;
}
