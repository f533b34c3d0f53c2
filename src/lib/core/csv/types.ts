/**
 * Plain data types of CSV import, shared by the core (parsing, inference, importers), the
 * engine contract (src/lib/engine/api.ts re-exports them) and the CLI.
 * Kept in the core so that the core depends on nothing outside it.
 */
import type { DateOrder, FieldSpec } from '../columns/types';

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
export type Delimiter = ',' | ';' | '\t' | '|';
export type MergePolicy = 'update' | 'skip' | 'keep_first';

/** A problem that stops a whole file (empty file, bad header, binary data, unclosed quote). */
export interface FileProblem {
  message: string;
  line?: number;
  column?: string;
}

export interface RejectedRow {
  /** 1-based line of the file where the record starts (the header is line 1). */
  line: number;
  column?: string;
  reason: string;
}

export interface FieldProposal extends FieldSpec {
  /** Whether this column is imported. */
  include: boolean;
  /** A few distinct sample values, as read. */
  samples: string[];
  /** How many sample values the inferred type could not read (0 for a sure inference). */
  unreadable: number;
}

export interface EventMapping {
  /** Column holding the contact's identity value. */
  contact: string;
  /** Column holding the event type. */
  type: string;
  /** Column holding the target (page, product, reward, emailing), or null. */
  target: string | null;
  /** Column holding the timestamp. */
  at: string;
  /** Other columns kept as event properties. */
  properties: string[];
  /**
   * Column holding an event id, or null/omitted. With it, events are deduplicated by id (an id
   * already stored, or seen earlier in the file, is not added again); without it, by content.
   */
  id?: string | null;
  /** How the timestamp column orders day, month and year; omitted = inferred from the rows. */
  dateOrder?: DateOrder;
}

export interface FilePreview {
  fileName: string;
  size: number;
  encoding: CsvEncoding;
  hasBom: boolean;
  delimiter: Delimiter;
  /**
   * What detection found, present only when the user's choice (previewCsv's overrides) differs
   * from it; `encoding` and `delimiter` above are then the chosen ones the preview was read with.
   */
  detected?: { encoding: CsvEncoding; delimiter: Delimiter };
  headers: string[];
  sampleRows: string[][];
  fields: FieldProposal[];
  /** Suggested identity column (an email column, else an id-like column), by field name. */
  suggestedIdentity: string | null;
  /** For an events file: which columns look like contact, type, target, timestamp. */
  suggestedMapping?: EventMapping;
  /** Present when the file cannot be imported at all; nothing else is meaningful then. */
  problem?: FileProblem;
}
