/**
 * The columnar shape of a campaign: what import builds, what storage keeps (as chunks),
 * what the segment engine scans and what the contacts browser reads.
 * Pure data: typed arrays and plain arrays, so it crosses the worker boundary and runs in Node.
 */

export type FieldType =
  'text' | 'number' | 'date' | 'datetime' | 'boolean' | 'email' | 'phone' | 'category';

export const FIELD_TYPES: readonly FieldType[] = [
  'text',
  'email',
  'phone',
  'category',
  'number',
  'date',
  'datetime',
  'boolean'
];

/** Types whose values are stored as dictionary-encoded strings. */
export const STRING_FIELD_TYPES: readonly FieldType[] = ['text', 'email', 'phone', 'category'];

export type DateOrder = 'dmy' | 'mdy' | 'ymd';

export interface FieldSpec {
  /** The field's name: the key used by segment definitions, SQL columns and merge tags. */
  name: string;
  type: FieldType;
  /** Header of the CSV column it was read from (differs from name when the user renamed it). */
  source?: string;
  /** How numbers in the file write their decimals (`12,5` vs `12.5`). */
  decimal?: ',' | '.';
  /** How dates in the file order day, month and year (`31/12/2025` = dmy). */
  dateOrder?: DateOrder;
}

/** Dictionary-encoded strings: code 0 is always the empty value and dict[0] === ''. */
export interface StringColumn {
  kind: 'string';
  codes: Uint32Array;
  dict: string[];
}

/**
 * Numbers, dates and datetimes as float64; NaN means empty.
 * `date` values are the UTC midnight of the calendar day (a day, not an instant: time-zone free);
 * `datetime` values are instants in epoch milliseconds.
 */
export interface NumberColumn {
  kind: 'number';
  values: Float64Array;
}

/** Booleans: 0 = empty, 1 = false, 2 = true. */
export interface BooleanColumn {
  kind: 'boolean';
  values: Uint8Array;
}

export type Column = StringColumn | NumberColumn | BooleanColumn;

export interface ContactTable {
  rowCount: number;
  fields: FieldSpec[];
  /** Name of the identity field (email or external id); its values are unique and non-empty. */
  identity: string;
  /** One column per field, keyed by field name, each exactly rowCount long. */
  columns: Record<string, Column>;
}

/**
 * Events in CSR form: the events of contact row r are the indices [offsets[r], offsets[r + 1]),
 * sorted by time within a contact. Email activity events have the emailing as their target.
 */
export interface EventTable {
  count: number;
  /** Event type dictionary: type code -> name (e.g. 'page_view', 'opened'). */
  types: string[];
  /** Target dictionary: code -> value; code 0 is the empty target and targets[0] === ''. */
  targets: string[];
  /** Length rowCount + 1. */
  offsets: Uint32Array;
  type: Uint16Array;
  target: Uint32Array;
  /** Epoch milliseconds. */
  at: Float64Array;
  /** Optional event properties as JSON object strings; code 0 = none and props[0] === ''. */
  propCodes: Uint32Array;
  props: string[];
  /**
   * Event ids, present once an import named an event id column: eventIdCodes[i] is the code of
   * event i's id in `eventIds` (0 = no id; eventIds[0] === ''). Ids are unique in a campaign.
   */
  eventIds?: string[];
  eventIdCodes?: Uint32Array;
}

export const EMAIL_ACTIVITY_TYPES = [
  'received',
  'delivered',
  'opened',
  'clicked',
  'bounced',
  'unsubscribed',
  'complained'
] as const;
export type EmailActivity = (typeof EMAIL_ACTIVITY_TYPES)[number];

export function emptyEventTable(rowCount: number): EventTable {
  return {
    count: 0,
    types: [],
    targets: [''],
    offsets: new Uint32Array(rowCount + 1),
    type: new Uint16Array(0),
    target: new Uint32Array(0),
    at: new Float64Array(0),
    propCodes: new Uint32Array(0),
    props: ['']
  };
}
