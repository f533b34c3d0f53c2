/**
 * The relay protocol v1 (SPEC.md section 4) as types: what the app posts and what it reads.
 */

export interface RelayCapabilities {
  maxBatch: number;
  scheduling: boolean;
  events: boolean;
  /** Seconds an idempotency key is kept. */
  idempotencyTtl: number;
}

export interface RelayAddress {
  email: string;
  name?: string;
}

export interface RelayMessage {
  messageId: string;
  to: RelayAddress;
  from: RelayAddress;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
}

export interface RelayBatch {
  batchId: string;
  emailingId: string;
  sendAt?: string;
  messages: RelayMessage[];
}

export interface RelayResult {
  messageId: string;
  status: 'accepted' | 'rejected';
  reason?: string;
  /** On a rejection: a soft (temporary, 4xx) or hard (permanent, 5xx) bounce. */
  bounce?: 'hard' | 'soft';
}

export interface RelayEvent {
  eventId: string;
  messageId: string;
  type: 'delivered' | 'bounced' | 'deferred' | 'opened' | 'clicked' | 'complained' | 'unsubscribed';
  at: string;
  bounce?: 'hard' | 'soft';
  reason?: string;
  url?: string;
  machine?: true;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads capabilities, refusing a body that is not the protocol's (names the field). */
export function parseCapabilities(value: unknown): RelayCapabilities {
  if (!isObject(value)) throw new Error('The relay capabilities are not a JSON object.');
  const { maxBatch, idempotencyTtl } = value;
  // JSON reads 1e309 as Infinity: a batch size or key lifetime must be a finite whole number.
  if (typeof maxBatch !== 'number' || !Number.isSafeInteger(maxBatch) || maxBatch < 1) {
    throw new Error(
      'The relay capabilities have no valid "maxBatch" (a whole number of messages, 1 or more).'
    );
  }
  if (
    idempotencyTtl !== undefined &&
    (typeof idempotencyTtl !== 'number' ||
      !Number.isSafeInteger(idempotencyTtl) ||
      idempotencyTtl < 0)
  ) {
    throw new Error(
      'The relay capabilities have an invalid "idempotencyTtl" (a whole number of seconds, 0 or more).'
    );
  }
  return {
    maxBatch,
    scheduling: value.scheduling === true,
    events: value.events === true,
    idempotencyTtl: typeof idempotencyTtl === 'number' ? idempotencyTtl : 86_400
  };
}

/** The time a batch posted with `sendAt` is held for, when the relay scheduled it. */
export function parseScheduled(value: unknown): string | null {
  const s = (value as { scheduled?: unknown } | null)?.scheduled;
  return typeof s === 'string' && !Number.isNaN(Date.parse(s)) ? s : null;
}

/** Reads batch results, refusing a body that is not the protocol's. */
export function parseResults(value: unknown): RelayResult[] {
  const results = isObject(value) ? value.results : undefined;
  if (!Array.isArray(results)) throw new Error('The relay answer has no "results" list.');
  return results.map((row: unknown, i) => {
    if (
      !isObject(row) ||
      typeof row.messageId !== 'string' ||
      (row.status !== 'accepted' && row.status !== 'rejected')
    ) {
      throw new Error(
        `The relay result ${i + 1} has no messageId or no valid status ("accepted" or "rejected").`
      );
    }
    const bounce = row.bounce === 'hard' || row.bounce === 'soft' ? row.bounce : undefined;
    return {
      messageId: row.messageId,
      status: row.status,
      // The reason is shown and kept as text; anything else the relay put there is not one.
      ...(typeof row.reason === 'string' ? { reason: row.reason } : {}),
      ...(bounce ? { bounce } : {})
    };
  });
}

const EVENT_TYPES: readonly RelayEvent['type'][] = [
  'delivered',
  'bounced',
  'deferred',
  'opened',
  'clicked',
  'complained',
  'unsubscribed'
];

/** A page of relay events: the readable ones, the cursor, and why others were left out. */
export interface RelayEventPage {
  events: RelayEvent[];
  next: string | null;
  /** One line per entry that is not an event of the protocol (it is skipped, not read). */
  problems: string[];
}

/**
 * Reads a page of events. A body that is not a page is refused (the cursor stays where it
 * was); an entry that is not an event is skipped and named, so one bad entry neither stops
 * the suppression list from being fed nor is read as something it is not.
 */
export function parseEvents(value: unknown, after: string | null): RelayEventPage {
  if (!isObject(value)) throw new Error('The relay answer to /v1/events is not a JSON object.');
  if (!Array.isArray(value.events))
    throw new Error('The relay answer to /v1/events has no "events" list.');
  const { next } = value;
  if (next !== undefined && next !== null && typeof next !== 'string')
    throw new Error('The relay answer to /v1/events has a "next" cursor that is not a text.');
  const events: RelayEvent[] = [];
  const problems: string[] = [];
  value.events.forEach((raw: unknown, i) => {
    const skip = (why: string) => problems.push(`Relay event ${i + 1} is skipped: ${why}.`);
    if (!isObject(raw)) return skip('it is not an object');
    const { eventId, messageId, type, at } = raw;
    if (typeof eventId !== 'string' || eventId === '') return skip('it has no "eventId"');
    if (typeof messageId !== 'string' || messageId === '') return skip('it has no "messageId"');
    if (!EVENT_TYPES.includes(type as RelayEvent['type']))
      return skip(`its "type" is not one of ${EVENT_TYPES.join(', ')}`);
    if (typeof at !== 'string' || Number.isNaN(Date.parse(at)))
      return skip('its "at" is not a date-time');
    events.push({
      eventId,
      messageId,
      type: type as RelayEvent['type'],
      at,
      ...(raw.bounce === 'hard' || raw.bounce === 'soft' ? { bounce: raw.bounce } : {}),
      ...(typeof raw.reason === 'string' ? { reason: raw.reason } : {}),
      ...(typeof raw.url === 'string' ? { url: raw.url } : {}),
      ...(raw.machine === true ? { machine: true as const } : {})
    });
  });
  return { events, next: typeof next === 'string' ? next : after, problems };
}
