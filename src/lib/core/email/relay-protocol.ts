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

/** Reads capabilities, refusing a body that is not the protocol's (names the field). */
export function parseCapabilities(value: unknown): RelayCapabilities {
  const v = value as Partial<RelayCapabilities> | null;
  if (!v || typeof v !== 'object') throw new Error('The relay capabilities are not a JSON object.');
  if (typeof v.maxBatch !== 'number' || v.maxBatch < 1) {
    throw new Error('The relay capabilities have no valid "maxBatch".');
  }
  return {
    maxBatch: v.maxBatch,
    scheduling: v.scheduling === true,
    events: v.events === true,
    idempotencyTtl: typeof v.idempotencyTtl === 'number' ? v.idempotencyTtl : 86_400
  };
}

/** The time a batch posted with `sendAt` is held for, when the relay scheduled it. */
export function parseScheduled(value: unknown): string | null {
  const s = (value as { scheduled?: unknown } | null)?.scheduled;
  return typeof s === 'string' && !Number.isNaN(Date.parse(s)) ? s : null;
}

/** Reads batch results, refusing a body that is not the protocol's. */
export function parseResults(value: unknown): RelayResult[] {
  const results = (value as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) throw new Error('The relay answer has no "results" list.');
  return results.map((r, i) => {
    const row = r as Partial<RelayResult>;
    if (
      typeof row?.messageId !== 'string' ||
      (row.status !== 'accepted' && row.status !== 'rejected')
    ) {
      throw new Error(`The relay result ${i + 1} has no messageId or no valid status.`);
    }
    const bounce = row.bounce === 'hard' || row.bounce === 'soft' ? row.bounce : undefined;
    return {
      messageId: row.messageId,
      status: row.status,
      reason: row.reason,
      ...(bounce ? { bounce } : {})
    };
  });
}
