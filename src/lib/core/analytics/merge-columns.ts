/**
 * Delivery columns of several sources as one (the delivery store's events and what only the
 * send ledger knows), each source's dictionary codes mapped onto shared dictionaries, so a
 * message (same key) or emailing seen by two sources is one.
 */
import { allocateDeliveryColumns, Codes, type DeliveryColumns } from './delivery-columns';

export function mergeDeliveryColumns(parts: readonly DeliveryColumns[]): DeliveryColumns {
  const nonEmpty = parts.filter((p) => p.count > 0);
  if (nonEmpty.length === 1) return nonEmpty[0];
  const n = nonEmpty.reduce((s, p) => s + p.count, 0);
  // Message keys are never empty: that dictionary has no '' entry.
  const messages = new Codes([]);
  const emailings = new Codes();
  const reasons = new Codes();
  const urls = new Codes();
  const out = allocateDeliveryColumns(n, {
    messages: messages.values,
    emailings: emailings.values,
    reasons: reasons.values,
    urls: urls.values
  });
  const mapper = (codes: Codes, values: string[]) => Uint32Array.from(values, (v) => codes.code(v));
  let at = 0;
  for (const p of nonEmpty) {
    out.kind.set(p.kind.subarray(0, p.count), at);
    out.at.set(p.at.subarray(0, p.count), at);
    out.machine.set(p.machine.subarray(0, p.count), at);
    out.bounce.set(p.bounce.subarray(0, p.count), at);
    out.contact.set(p.contact.subarray(0, p.count), at);
    const message = mapper(messages, p.messages);
    const emailing = mapper(emailings, p.emailings);
    const reason = mapper(reasons, p.reasons);
    const url = mapper(urls, p.urls);
    for (let i = 0; i < p.count; i++) {
      out.message[at + i] = message[p.message[i]];
      out.emailing[at + i] = emailing[p.emailing[i]];
      out.reason[at + i] = reason[p.reason[i]];
      out.url[at + i] = url[p.url[i]];
    }
    at += p.count;
  }
  return out;
}
