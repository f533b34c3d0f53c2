/**
 * What the real reference relay did, read back from its own records for the sender's tests:
 * the `.eml` files in its outbox (parsed with mailparser), its delivered events (one per
 * hand-over to the outbox; a second hand-over of the same message shows as a second event)
 * and the Idempotency-Keys in its store.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { safeName } from '../../relay/delivery';
import type { Relay } from '../../relay/server';

export interface OutboxMessage {
  messageId: string;
  emailingId: string;
  to: string;
  subject: string;
  html: string;
  text: string;
}

/** messageId → emailingId of every message in the relay's idempotency store. */
function emailingOf(relay: Relay): Map<string, string> {
  const out = new Map<string, string>();
  for (const record of relay.store.all())
    for (const m of record.batch.messages) out.set(m.messageId, record.batch.emailingId);
  return out;
}

/** The outbox file of a message (the relay's own naming). */
export function outboxFile(relay: Relay, emailingId: string, messageId: string): string {
  return join(relay.config.outboxDir, safeName(emailingId), `${safeName(messageId)}.eml`);
}

/** The messageId of each delivered event, in the order the relay delivered them. */
export function deliveredIds(relay: Relay): string[] {
  return relay.events
    .all()
    .filter((e) => e.type === 'delivered')
    .map((e) => e.messageId);
}

/** Message ids delivered more than once (should always be empty). */
export function duplicates(relay: Relay): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const id of deliveredIds(relay)) (seen.has(id) ? twice : seen).add(id);
  for (const e of relay.events.all())
    if (e.type === 'delivered' && e.reason === 'already in the outbox') twice.add(e.messageId);
  return [...twice];
}

/** Every message in the outbox, parsed from its `.eml`, in delivery order. */
export async function readOutbox(relay: Relay): Promise<OutboxMessage[]> {
  const emailings = emailingOf(relay);
  const out: OutboxMessage[] = [];
  for (const messageId of new Set(deliveredIds(relay))) {
    const emailingId = emailings.get(messageId);
    if (emailingId === undefined) throw new Error(`delivered ${messageId} is in no stored batch`);
    const file = outboxFile(relay, emailingId, messageId);
    if (!existsSync(file)) throw new Error(`delivered ${messageId} has no file ${file}`);
    const mail = await simpleParser(await readFile(file));
    const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
    out.push({
      messageId,
      emailingId,
      to: to?.value[0]?.address ?? '',
      subject: mail.subject ?? '',
      html: typeof mail.html === 'string' ? mail.html.trim() : '',
      text: mail.text ?? ''
    });
  }
  return out;
}

/** The Idempotency-Keys the relay stored (one per batch it accepted to process). */
export function storedKeys(relay: Relay): string[] {
  return relay.store.all().map((r) => r.key);
}
