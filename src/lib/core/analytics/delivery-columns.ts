/**
 * A campaign's delivery events as columns: what the store keeps and what the dashboard
 * aggregates. Millions of events are typed arrays, not objects, so the worker can count five
 * million in well under a second; the strings an event carries (emailing, reason, URL, message
 * id) are dictionary codes, because a campaign has few emailings, reasons and links.
 * `toDeliveryColumns` builds one from event objects (file imports, relay events, tests).
 */
import type { DeliveryEvent, DeliveryKind } from './delivery-event';

/** Kind codes: the index in this list. Never reorder (stored data holds the codes). */
export const DELIVERY_KINDS: readonly DeliveryKind[] = [
  'sent',
  'dropped',
  'delivered',
  'deferred',
  'bounced',
  'opened',
  'clicked',
  'unsubscribed',
  'complained'
];

/** Bounce codes: 0 = not a bounce (or class unknown), 1 = hard, 2 = soft. */
export const BOUNCE_NONE = 0;
export const BOUNCE_HARD = 1;
export const BOUNCE_SOFT = 2;

export interface DeliveryColumns {
  count: number;
  /** Index into DELIVERY_KINDS. */
  kind: Uint8Array;
  /** Epoch milliseconds. */
  at: Float64Array;
  /** 1 when the open or click came from a privacy proxy or link scanner. */
  machine: Uint8Array;
  /** BOUNCE_NONE / BOUNCE_HARD / BOUNCE_SOFT. */
  bounce: Uint8Array;
  /**
   * The message: a code into `messages` (`messageKey`: the provider's message id and the
   * recipient, or recipient and emailing when the source has no id). Events of one message share the code.
   */
  message: Uint32Array;
  messages: string[];
  /** The contact's row in the campaign's contact table, -1 when no contact matched. */
  contact: Int32Array;
  /** Codes into the dictionaries below; code 0 is always '' (none). */
  emailing: Uint32Array;
  emailings: string[];
  reason: Uint32Array;
  reasons: string[];
  url: Uint32Array;
  urls: string[];
}

/**
 * What counting the events needs of DeliveryColumns: every array but the contact rows, the
 * dictionaries a figure or chart names (emailings, reasons, links), and how many messages there
 * are, not their keys. The dashboard reads only this from the store: a campaign's message keys
 * and contact rows are a third of its bytes (a million keys to decode) and no figure uses them.
 * Whole DeliveryColumns are CountingColumns.
 */
export type CountingColumns = Omit<DeliveryColumns, 'contact' | 'messages'> & {
  messages: { readonly length: number };
};

/**
 * A dictionary of strings to codes, growing as values come: by default '' is code 0 (none);
 * a dictionary without that entry (message keys) starts from `[]`.
 */
export class Codes {
  readonly values: string[];
  private readonly index: Map<string, number>;

  constructor(initial: readonly string[] = ['']) {
    this.values = [...initial];
    this.index = new Map(this.values.map((v, i) => [v, i]));
  }

  code(value: string | undefined = ''): number {
    let code = this.index.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.index.set(value, code);
    }
    return code;
  }
}

const KIND_CODE = new Map(DELIVERY_KINDS.map((kind, index) => [kind, index]));

/**
 * The message key of an event, as the delivery report keys messages: its id and recipient, or
 * the recipient and emailing when the source has no id.
 */
export function messageKey(event: Pick<DeliveryEvent, 'messageId' | 'recipient' | 'emailing'>) {
  return event.messageId !== ''
    ? `${event.messageId}\u0000${event.recipient}`
    : `\u0000${event.recipient}\u0000${event.emailing}`;
}

/** Zeroed columns for `n` events over the given dictionaries (which the caller fills). */
export function allocateDeliveryColumns(
  n: number,
  dicts: Pick<DeliveryColumns, 'messages' | 'emailings' | 'reasons' | 'urls'>
): DeliveryColumns {
  return {
    count: n,
    kind: new Uint8Array(n),
    at: new Float64Array(n),
    machine: new Uint8Array(n),
    bounce: new Uint8Array(n),
    message: new Uint32Array(n),
    contact: new Int32Array(n),
    emailing: new Uint32Array(n),
    reason: new Uint32Array(n),
    url: new Uint32Array(n),
    ...dicts
  };
}

/**
 * Columns of `events`; `contactOf` gives each event's contact row (-1 when none matched).
 */
export function toDeliveryColumns(
  events: readonly DeliveryEvent[],
  contactOf: (event: DeliveryEvent) => number = () => -1
): DeliveryColumns {
  const n = events.length;
  const messages = new Codes();
  const emailings = new Codes();
  const reasons = new Codes();
  const urls = new Codes();
  const columns = allocateDeliveryColumns(n, {
    messages: messages.values,
    emailings: emailings.values,
    reasons: reasons.values,
    urls: urls.values
  });
  for (let i = 0; i < n; i++) {
    const event = events[i];
    columns.kind[i] = KIND_CODE.get(event.kind) ?? 0;
    columns.at[i] = event.at;
    columns.machine[i] = event.machine ? 1 : 0;
    columns.bounce[i] =
      event.bounce === 'hard' ? BOUNCE_HARD : event.bounce === 'soft' ? BOUNCE_SOFT : BOUNCE_NONE;
    columns.message[i] = messages.code(messageKey(event));
    columns.contact[i] = contactOf(event);
    columns.emailing[i] = emailings.code(event.emailing);
    columns.reason[i] = reasons.code(event.reason);
    columns.url[i] = urls.code(event.url);
  }
  return columns;
}
