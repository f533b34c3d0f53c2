/**
 * Emailings, their send ledger and batches, the suppression list and the relay settings.
 * The ledger has one row per contact of an emailing's targets (recipient or skipped, with the
 * reason). A batch row holds the exact body posted to the relay and is written in the same
 * transaction that marks its messages handed over, so a re-post after a reload is
 * byte-identical under the same Idempotency-Key (the relay replays; it never sends twice).
 */
import type { EmailingStatus } from '$lib/core/email/emailing-status';
import type { SkipReason } from '$lib/core/email/recipients';

export interface EmailingContent {
  name: string;
  fromName: string;
  fromEmail: string;
  replyTo: string;
  subject: string;
  html: string;
  /** Empty: derived from the HTML when sending. */
  text: string;
}

export interface EmailingRow extends EmailingContent {
  id: string;
  campaignId: string;
  status: EmailingStatus;
  /** Segment (or list) ids; a contact in several gets one message. */
  targets: string[];
  /** Recompute dynamic segments when sending starts, instead of the membership at scheduling. */
  refreshTargets: boolean;
  /** ISO instant to send at; null = send now / not scheduled. */
  scheduledAt: string | null;
  /** Frequency cap in days (skip who received an emailing in that time); null = off. */
  capDays: number | null;
  /** Recipients written to the ledger (on sending, or at scheduling when frozen). */
  materialised: boolean;
  /** Next batch number to form. */
  nextBatchNo: number;
  contacts: number;
  toSend: number;
  accepted: number;
  rejected: number;
  skipCounts: Record<SkipReason, number>;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Why sending stopped (failed), shown to the user. */
  error: string | null;
  /**
   * When every recipient was handed to the relay ahead of time (`sendAt`, the relay's
   * `scheduling`): it sends at the scheduled time with this app closed. Null otherwise.
   */
  handedOverAt?: string | null;
  /** What last happened at the relay (handed over, withdrawn, already sent), for the user. */
  notice?: string | null;
}

export type LedgerState = 'queued' | 'handed' | 'accepted' | 'rejected' | 'skipped' | 'cancelled';

export interface LedgerRow {
  emailingId: string;
  messageId: string;
  campaignId: string;
  contactId: number;
  email: string;
  state: LedgerState;
  /** Skip reason, or the relay's rejection text. */
  reason: string | null;
  batchNo: number | null;
  /** When it was handed over (ISO), for rate caps and the frequency cap. */
  handedAt: string | null;
  doneAt: string | null;
  /** A bounce the relay reported for this message (in its result or a later event). */
  bounce?: 'hard' | 'soft';
}

export interface BatchRow {
  emailingId: string;
  batchNo: number;
  /**
   * 'posting' until the relay's results are recorded (outcome unknown after a crash);
   * 'scheduled' when the relay holds it for its `sendAt` (its messages stay handed over).
   */
  state: 'posting' | 'scheduled' | 'done';
  /** The exact JSON body posted; re-posts send it unchanged. */
  body: string;
  attempts: number;
  createdAt: string;
  messages: number;
}

export type SuppressionReason =
  'hard_bounce' | 'soft_bounces' | 'unsubscribed' | 'complained' | 'rejected' | 'manual';

export interface SuppressionRow {
  campaignId: string;
  /** Normalised address. */
  email: string;
  reason: SuppressionReason;
  addedAt: string;
  /** Free text: the relay's reason, the emailing, "import". */
  note: string;
}

export interface RelaySettingsRow {
  id: 'relay';
  url: string;
  token: string;
  batchSize: number;
  /** Messages per second; null = as fast as the relay takes them. */
  perSecond: number | null;
  perHour: number | null;
  perDay: number | null;
  /** Overdue emailings wait for confirmation instead of going out on start. */
  confirmOverdue: boolean;
  /** Cursor of the relay's events read so far, before cursors moved to relayCursors (v6). */
  eventsCursor?: string | null;
  /** Soft bounces in a row to one address that count as a hard one (suppression). */
  softBounceLimit?: number;
  /**
   * Hand a scheduled emailing to the relay ahead of time when it supports scheduling, so it
   * goes out with the browser closed (default on).
   */
  handOver?: boolean;
}

/**
 * How far the relay's events have been read, per relay address: written in the transaction
 * that records a page of events, so a reload never reads an event twice nor skips one.
 */
export interface RelayCursorRow {
  /** The relay's base URL, without a trailing slash. */
  relay: string;
  cursor: string | null;
}

export const DEFAULT_RELAY_SETTINGS: RelaySettingsRow = {
  id: 'relay',
  url: '',
  token: '',
  // The reference relay's maxBatch: each batch costs a few IndexedDB transactions and a POST
  // whatever its size, so small batches spend most of a send on them (send-100k).
  batchSize: 500,
  perSecond: null,
  perHour: null,
  perDay: null,
  confirmOverdue: false,
  softBounceLimit: 3,
  handOver: true
};
