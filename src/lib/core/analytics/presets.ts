/**
 * The delivery-event exports Slice reads, and how each one's rows become DeliveryEvents:
 * Slice's own events format (email activity rows), SendGrid's event export and Mailgun's.
 * The preset is recognised from the header names; a caller may force one.
 */
import { shortCell } from '../csv/short-cell';
import { normaliseEmail } from '../csv/email';
import type { DeliveryEvent, DeliveryKind } from './delivery-event';
import { isMachineUserAgent } from './machine-activity';

export type DeliveryPreset = 'slice' | 'sendgrid' | 'mailgun';

export const DELIVERY_PRESETS: readonly DeliveryPreset[] = ['slice', 'sendgrid', 'mailgun'];

interface PresetSpec {
  label: string;
  /** Columns that must be present, by role. */
  required: Record<string, string[]>;
  /** Columns used when present, by role; the first header found wins. */
  optional: Record<string, string[]>;
  /** Event names of the file mapped to kinds. */
  kinds: Record<string, DeliveryKind>;
}

const SPECS: Record<DeliveryPreset, PresetSpec> = {
  slice: {
    label: 'Slice events',
    required: { contact: ['contact'], type: ['type'], at: ['at'] },
    optional: {
      emailing: ['target', 'emailing'],
      messageId: ['message_id', 'messageid'],
      bounce: ['bounce'],
      reason: ['reason'],
      url: ['url'],
      machine: ['machine'],
      userAgent: ['user_agent', 'useragent'],
      eventId: ['event_id', 'eventid']
    },
    kinds: {
      received: 'sent',
      sent: 'sent',
      dropped: 'dropped',
      rejected: 'dropped',
      delivered: 'delivered',
      deferred: 'deferred',
      bounced: 'bounced',
      opened: 'opened',
      clicked: 'clicked',
      unsubscribed: 'unsubscribed',
      complained: 'complained'
    }
  },
  sendgrid: {
    label: 'SendGrid event export',
    required: { contact: ['email'], type: ['event'], at: ['timestamp'] },
    optional: {
      messageId: ['sg_message_id'],
      emailing: ['singlesend_id', 'marketing_campaign_id', 'emailing', 'category'],
      bounce: ['type'],
      reason: ['reason', 'response'],
      url: ['url'],
      machine: ['sg_machine_open'],
      userAgent: ['useragent'],
      eventId: ['sg_event_id']
    },
    kinds: {
      processed: 'sent',
      dropped: 'dropped',
      delivered: 'delivered',
      deferred: 'deferred',
      bounce: 'bounced',
      open: 'opened',
      click: 'clicked',
      spamreport: 'complained',
      unsubscribe: 'unsubscribed',
      group_unsubscribe: 'unsubscribed'
    }
  },
  mailgun: {
    label: 'Mailgun event export',
    required: { contact: ['recipient'], type: ['event'], at: ['timestamp'] },
    optional: {
      messageId: ['message-id', 'message.headers.message-id', 'message_id'],
      emailing: ['campaigns', 'user-variables.emailing', 'tags'],
      bounce: ['severity'],
      reason: [
        'delivery-status',
        'delivery-status.message',
        'delivery-status.description',
        'reason'
      ],
      url: ['url'],
      machine: ['client-info', 'client-info.bot'],
      userAgent: ['client-info.user-agent', 'user-agent'],
      eventId: ['id']
    },
    kinds: {
      accepted: 'sent',
      rejected: 'dropped',
      delivered: 'delivered',
      failed: 'bounced',
      opened: 'opened',
      clicked: 'clicked',
      unsubscribed: 'unsubscribed',
      complained: 'complained'
    }
  }
};

const KIND_MAPS: Record<DeliveryPreset, Map<string, DeliveryKind>> = {
  slice: new Map(Object.entries(SPECS.slice.kinds)),
  sendgrid: new Map(Object.entries(SPECS.sendgrid.kinds)),
  mailgun: new Map(Object.entries(SPECS.mailgun.kinds))
};

export function presetLabel(preset: DeliveryPreset): string {
  return SPECS[preset].label;
}

function headerKey(h: string): string {
  return h.trim().toLowerCase();
}

function findColumn(headers: string[], names: string[]): number {
  const keys = headers.map(headerKey);
  for (const name of names) {
    const at = keys.indexOf(name);
    if (at !== -1) return at;
  }
  return -1;
}

/** The preset whose required columns the header holds (SendGrid and Mailgun before Slice). */
export function detectPreset(headers: string[]): DeliveryPreset | null {
  const order: DeliveryPreset[] = ['sendgrid', 'mailgun', 'slice'];
  // SendGrid and Mailgun share `event` and `timestamp`: the address column tells them apart.
  for (const preset of order) {
    const spec = SPECS[preset];
    if (Object.values(spec.required).every((names) => findColumn(headers, names) !== -1)) {
      return preset;
    }
  }
  return null;
}

/** Where each role's column is in one file; -1 for an optional column the file lacks. */
export type DeliveryColumns = Record<string, number>;

/** The columns of `headers` for `preset`, or the required columns that are missing. */
export function resolveColumns(
  preset: DeliveryPreset,
  headers: string[]
): { columns: DeliveryColumns } | { missing: string[] } {
  const spec = SPECS[preset];
  const columns: DeliveryColumns = {};
  const missing: string[] = [];
  for (const [role, names] of Object.entries(spec.required)) {
    columns[role] = findColumn(headers, names);
    if (columns[role] === -1) missing.push(names.join(' or '));
  }
  if (missing.length > 0) return { missing };
  for (const [role, names] of Object.entries(spec.optional)) {
    columns[role] = findColumn(headers, names);
  }
  return { columns };
}

export interface RowReadOptions {
  /** Reads the file's time cells into epoch ms (NaN when unreadable); numbers are Unix time. */
  parseTime: (raw: string) => number;
  /**
   * Leave out what no figure needs (reason, URL): the command-line report over millions of rows
   * then copies two cells fewer per row.
   */
  figuresOnly?: boolean;
  /**
   * With figuresOnly: the emailing cell is read only for rows without a message id (the report
   * keys those by recipient and emailing) unless this is set (a filter on the emailing).
   */
  needEmailing?: boolean;
  /**
   * An event object to fill in and return instead of a new one per row (the report does not
   * keep the objects it is given: five million fewer allocations).
   */
  reuse?: DeliveryEvent;
}

/** Why a row could not be read, naming the column. */
export interface DeliveryRowProblem {
  column: string;
  reason: string;
  /** Set for an event name the preset does not know: reported, not dropped silently. */
  unknownType?: string;
}

/** A row's cells by column index, trimmed ('' past the end or for index -1). */
export interface RowCells {
  cell(at: number): string;
}

class ArrayCells implements RowCells {
  constructor(private readonly row: string[]) {}
  cell(at: number): string {
    return at >= 0 && at < this.row.length ? this.row[at].trim() : '';
  }
}

/** The largest instant a JavaScript date holds, in ms from 1970. */
const MAX_INSTANT = 8.64e15;

/** Unix seconds (SendGrid, Mailgun; fractions allowed), milliseconds, or a written date-time. */
/** A whole number of up to 15 digits read from its characters (no regex, no copy); else -1. */
function plainDigits(raw: string): number {
  const n = raw.length;
  if (n === 0 || n > 15) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

export function parseEventTime(raw: string, parseText: (raw: string) => number): number {
  if (raw === '') return NaN;
  // Unix seconds, the common case of millions of rows: read digit by digit.
  const whole = plainDigits(raw);
  if (whole >= 0) {
    const t = whole >= 1e11 ? whole : whole * 1000;
    return t <= MAX_INSTANT ? t : NaN;
  }
  if (/^\d+(\.\d+)?$/.test(raw)) {
    const n = Number(raw);
    // Seconds until the year 5138; beyond that the export wrote milliseconds.
    const t = n >= 1e11 ? Math.round(n) : Math.round(n * 1000);
    // Past what a date can hold (±100,000,000 days): not a time, rather than a crash later.
    return Math.abs(t) <= MAX_INSTANT ? t : NaN;
  }
  const t = parseText(raw);
  return Math.abs(t) <= MAX_INSTANT ? t : NaN;
}

function isTrue(raw: string): boolean {
  const v = raw.toLowerCase();
  return v === 'true' || v === '1' || v === 'yes';
}

/** Mailgun's client-info: a JSON object whose `bot` names the proxy, or a bare flag. */
function mailgunBot(raw: string): boolean {
  if (raw === '') return false;
  if (raw.startsWith('{')) {
    try {
      const info = JSON.parse(raw) as Record<string, unknown>;
      const bot = info.bot;
      if (typeof bot === 'string') return bot !== '';
      return bot === true;
    } catch {
      return false;
    }
  }
  return raw.toLowerCase() !== 'false' && raw !== '0' && raw !== '';
}

function bounceClass(preset: DeliveryPreset, raw: string): 'hard' | 'soft' {
  const v = raw.toLowerCase();
  if (preset === 'sendgrid') return v === 'blocked' ? 'soft' : 'hard';
  if (preset === 'mailgun') return v === 'temporary' ? 'soft' : 'hard';
  return v === 'soft' ? 'soft' : 'hard';
}

/** The message a SendGrid row belongs to: its X-Message-Id, before the per-recipient filter suffix. */
function messageIdOf(preset: DeliveryPreset, raw: string): string {
  let id = raw.charCodeAt(0) === 60 && raw.endsWith('>') ? raw.slice(1, -1) : raw;
  if (preset === 'sendgrid') {
    const filter = id.indexOf('.filter');
    if (filter !== -1) id = id.slice(0, filter);
  }
  return id;
}

/** One row of a delivery export as an event, or the problem that stops it being one. */
export function readDeliveryRow(
  preset: DeliveryPreset,
  columns: DeliveryColumns,
  headers: string[],
  row: string[],
  options: RowReadOptions
): DeliveryEvent | { problem: DeliveryRowProblem } {
  return readDeliveryCells(preset, columns, headers, new ArrayCells(row), options);
}

/** readDeliveryRow over cells read one by one (csv-records.ts), no row array built. */
export function readDeliveryCells(
  preset: DeliveryPreset,
  columns: DeliveryColumns,
  headers: string[],
  row: RowCells,
  options: RowReadOptions
): DeliveryEvent | { problem: DeliveryRowProblem } {
  const type = row.cell(columns.type);
  // A Map answers for the cell as read; lower-casing (a copy) only when that misses.
  const kinds = KIND_MAPS[preset];
  const kind = kinds.get(type) ?? kinds.get(type.toLowerCase());
  if (!kind) {
    return {
      problem:
        type === ''
          ? { column: headers[columns.type], reason: 'no event type' }
          : {
              column: headers[columns.type],
              reason: `unknown event type '${shortCell(type)}'`,
              unknownType: type
            }
    };
  }
  const contact = row.cell(columns.contact);
  if (contact === '')
    return { problem: { column: headers[columns.contact], reason: 'no recipient' } };
  const rawTime = row.cell(columns.at);
  const at = parseEventTime(rawTime, options.parseTime);
  if (!Number.isFinite(at)) {
    return {
      problem: {
        column: headers[columns.at],
        reason: rawTime === '' ? 'no time' : `'${shortCell(rawTime)}' is not a time`
      }
    };
  }
  const recipient = contact.includes('@') ? normaliseEmail(contact) : contact;
  const messageId = messageIdOf(preset, row.cell(columns.messageId));
  const emailing =
    !options.figuresOnly || options.needEmailing || messageId === ''
      ? row.cell(columns.emailing)
      : '';
  const bounce = kind === 'bounced' ? bounceClass(preset, row.cell(columns.bounce)) : undefined;
  // Every field set, in one order: one object shape for every row keeps the report's reads fast.
  const event: DeliveryEvent = options.reuse ?? {
    messageId,
    recipient,
    emailing,
    kind,
    at,
    bounce,
    reason: undefined,
    url: undefined,
    machine: false,
    eventId: undefined
  };
  if (options.reuse) {
    event.messageId = messageId;
    event.recipient = recipient;
    event.emailing = emailing;
    event.kind = kind;
    event.at = at;
    event.bounce = bounce;
    event.reason = undefined;
    event.url = undefined;
    event.machine = false;
    event.eventId = undefined;
  }
  if (!options.figuresOnly) {
    const reason = row.cell(columns.reason);
    if (reason !== '') event.reason = reason;
    const url = row.cell(columns.url);
    if (url !== '') event.url = url;
  }
  if (kind === 'opened' || kind === 'clicked') {
    // The provider's own bot flag wins when the row has one; else the user agent tells.
    const flag = row.cell(columns.machine);
    event.machine =
      flag !== ''
        ? preset === 'mailgun'
          ? mailgunBot(flag)
          : isTrue(flag)
        : isMachineUserAgent(row.cell(columns.userAgent));
  }
  // Only opens and clicks are counted per event (and so de-duplicated by id); a repeated
  // delivery or bounce changes no figure (delivery-report.ts).
  if (kind === 'opened' || kind === 'clicked') {
    const eventId = row.cell(columns.eventId);
    if (eventId !== '') event.eventId = eventId;
  }
  return event;
}
