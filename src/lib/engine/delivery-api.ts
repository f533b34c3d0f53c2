/**
 * What the page asks the engine about delivery events: importing a provider's export (preview
 * with the recognised preset, the import itself), the bounce reasons and the user's class for
 * each, and a contact's messages with what happened to each.
 */
import type { DeliveryPreset } from '$lib/core/analytics/presets';
import type { CsvEncoding, Delimiter, FileProblem } from '$lib/core/csv/types';
import type { DeliveryKind } from '$lib/core/analytics/delivery-event';
import type { DeliveryFigures } from '$lib/core/analytics/delivery-report';
import type { LedgerState } from '$lib/db/emailings';
import type { ImportProgress } from './api';

export interface DeliveryFilePreview {
  fileName: string;
  size: number;
  encoding: CsvEncoding;
  delimiter: Delimiter;
  headers: string[];
  sampleRows: string[][];
  /** The preset the header names point to (null: none). */
  detected: DeliveryPreset | null;
  /** The one used: the user's choice, else the detected one. */
  preset: DeliveryPreset | null;
  /** Each role the preset reads and the file's column for it. */
  mapped: { role: string; label: string; column: string }[];
  problem?: FileProblem;
}

export interface DeliveryImportOptions {
  preset?: DeliveryPreset;
  encoding: CsvEncoding;
  delimiter: Delimiter;
  /** Zone of times without one; default the campaign's. */
  timeZone?: string;
}

export type DeliveryImportOutcome =
  | {
      ok: true;
      importId: string;
      preset: DeliveryPreset;
      rowsRead: number;
      /** Events stored. */
      added: number;
      /** Events the campaign already held (the file, or part of it, was imported before). */
      duplicates: number;
      /** Rows stored without a contact (no contact with the address, no message with the id). */
      unmatched: number;
      /** Rows that could not be read (no time, no recipient…), not stored. */
      unreadable: number;
      /** Event types the preset does not know, with their row counts; not stored. */
      unknownTypes: Record<string, number>;
      /** Addresses put on the suppression list (hard bounces, unsubscribes, complaints). */
      suppressed: number;
      /** Rows listed in the downloadable report (unmatched, unreadable, unknown types). */
      listed: number;
      durationMs: number;
    }
  | { ok: false; importId: string; cancelled: boolean; message: string };

/** A bounce reason of a campaign's events, with its class and how many bounces gave it. */
export interface BounceReason {
  reason: string;
  bounces: number;
  /** The class the relay or provider gave (the most frequent, when they differ). */
  source: 'hard' | 'soft';
  /** The user's class, or null when the source's stands. */
  override: 'hard' | 'soft' | null;
}

/** One step of a message's history. */
export interface MessageStep {
  kind: DeliveryKind;
  at: string;
  machine: boolean;
  bounce: 'hard' | 'soft' | null;
  reason: string | null;
  url: string | null;
}

/** A message sent (or meant) to one contact, with everything that happened to it. */
export interface ContactMessage {
  /** The emailing's id, or the provider's emailing / campaign name for imported events. */
  emailing: string;
  /** The emailing's name when it is one of the campaign's emailings. */
  name: string | null;
  messageId: string;
  /** The send ledger's state, for messages of Slice's own emailings. */
  ledgerState: LedgerState | null;
  ledgerReason: string | null;
  steps: MessageStep[];
}

export interface DeliveryApi {
  previewDelivery(
    file: Blob & { name?: string },
    options?: { encoding?: CsvEncoding; delimiter?: Delimiter; preset?: DeliveryPreset }
  ): Promise<DeliveryFilePreview>;
  /** Cancel with cancelImport(importId) (the id comes with the first progress report). */
  importDelivery(
    campaignId: string,
    file: Blob & { name?: string },
    options: DeliveryImportOptions,
    onProgress?: (p: ImportProgress) => void
  ): Promise<DeliveryImportOutcome>;
  /** The figures of the campaign's delivery events (of one emailing when given). */
  deliveryFigures(campaignId: string, emailing?: string): Promise<DeliveryFigures>;
  bounceReasons(campaignId: string): Promise<BounceReason[]>;
  /** Sets (or with null, removes) the user's class for a bounce reason. */
  setBounceClass(campaignId: string, reason: string, bounce: 'hard' | 'soft' | null): Promise<void>;
  /** Every message a contact was sent, oldest first, with its history. */
  contactMessages(campaignId: string, contactId: number): Promise<ContactMessage[]>;
}
