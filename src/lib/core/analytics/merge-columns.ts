/**
 * Delivery columns of several sources as one (the delivery store's events and what only the
 * send ledger knows), each source's dictionary codes mapped onto shared dictionaries, so a
 * message (same key) or emailing seen by two sources is one.
 */
import type { DeliveryColumns } from './delivery-columns';

function mapper(into: string[], index: Map<string, number>, values: string[]): Uint32Array {
  const map = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let code = index.get(v);
    if (code === undefined) {
      code = into.length;
      into.push(v);
      index.set(v, code);
    }
    map[i] = code;
  }
  return map;
}

export function mergeDeliveryColumns(parts: readonly DeliveryColumns[]): DeliveryColumns {
  const nonEmpty = parts.filter((p) => p.count > 0);
  if (nonEmpty.length === 1) return nonEmpty[0];
  const n = nonEmpty.reduce((s, p) => s + p.count, 0);
  const dicts = {
    messages: { values: [] as string[], index: new Map<string, number>() },
    emailings: { values: [''], index: new Map([['', 0]]) },
    reasons: { values: [''], index: new Map([['', 0]]) },
    urls: { values: [''], index: new Map([['', 0]]) }
  };
  const out: DeliveryColumns = {
    count: n,
    kind: new Uint8Array(n),
    at: new Float64Array(n),
    machine: new Uint8Array(n),
    bounce: new Uint8Array(n),
    message: new Uint32Array(n),
    messages: dicts.messages.values,
    contact: new Int32Array(n),
    emailing: new Uint32Array(n),
    emailings: dicts.emailings.values,
    reason: new Uint32Array(n),
    reasons: dicts.reasons.values,
    url: new Uint32Array(n),
    urls: dicts.urls.values
  };
  let at = 0;
  for (const p of nonEmpty) {
    out.kind.set(p.kind.subarray(0, p.count), at);
    out.at.set(p.at.subarray(0, p.count), at);
    out.machine.set(p.machine.subarray(0, p.count), at);
    out.bounce.set(p.bounce.subarray(0, p.count), at);
    out.contact.set(p.contact.subarray(0, p.count), at);
    const message = mapper(dicts.messages.values, dicts.messages.index, p.messages);
    const emailing = mapper(dicts.emailings.values, dicts.emailings.index, p.emailings);
    const reason = mapper(dicts.reasons.values, dicts.reasons.index, p.reasons);
    const url = mapper(dicts.urls.values, dicts.urls.index, p.urls);
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
