/**
 * The delivery figures of a set of messages, counted the way the dashboard and
 * `slice report` print them (definitions in the README, "Delivery figures"):
 * - a message is sent when it was handed over (or any later event shows it was);
 * - each message counts once, in its final delivery state: a delivery beats earlier soft
 *   bounces and deferrals; a hard bounce after the delivery (an asynchronous bounce) wins;
 * - unique opens and clicks are messages with at least one human open or click; totals count
 *   every human event; machine counts are messages with machine activity and none from a person;
 * - rates have their denominator's name; a zero denominator gives null.
 * Events arrive in any order and may repeat: the same provider event id counts once.
 * `add` tells whether an event was new to its message's state, for timelines built beside it.
 */
import type { DeliveryEvent, DeliveryKind } from './delivery-event';

export interface DeliveryFigures {
  sent: number;
  delivered: number;
  bounced_hard: number;
  bounced_soft: number;
  opened_unique: number;
  opened_total: number;
  opened_machine: number;
  clicked_unique: number;
  clicked_total: number;
  clicked_machine: number;
  unsubscribed: number;
  complained: number;
  delivery_rate: number | null;
  open_rate: number | null;
  click_rate: number | null;
  click_to_open_rate: number | null;
  bounce_rate: number | null;
  unsubscribe_rate: number | null;
  complaint_rate: number | null;
}

// Per-message flags.
const SENT = 1;
const DROPPED = 2;
const UNSUBSCRIBED = 4;
const COMPLAINED = 8;
const MACHINE_OPEN = 16;
const MACHINE_CLICK = 32;
/** A handed-over row, and a delivery, seen for the message (for timelines: first one only). */
const HANDED = 64;
const DELIVERY_SEEN = 128;

/**
 * Per-message state in growable typed arrays: millions of messages without an object each.
 * The dashboard keeps one too (messages coded by the delivery store), counted by the same rules.
 */
export class MessageStates {
  count = 0;
  flags = new Uint8Array(1024);
  deliveredAt = new Float64Array(1024).fill(NaN);
  hardAt = new Float64Array(1024).fill(NaN);
  softAt = new Float64Array(1024).fill(NaN);
  humanOpens = new Uint32Array(1024);
  humanClicks = new Uint32Array(1024);

  add(): number {
    if (this.count === this.flags.length) this.grow(this.flags.length * 2);
    return this.count++;
  }

  /** Makes messages 0 … n - 1 exist (messages coded ahead, as a store's dictionary codes them). */
  ensure(n: number): void {
    if (n > this.flags.length) this.grow(n);
    if (n > this.count) this.count = n;
  }

  private grow(n: number): void {
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(n).fill(NaN);
      b.set(a);
      return b;
    };
    const u32 = (a: Uint32Array) => {
      const b = new Uint32Array(n);
      b.set(a);
      return b;
    };
    const flags = new Uint8Array(n);
    flags.set(this.flags);
    this.flags = flags;
    this.deliveredAt = f64(this.deliveredAt);
    this.hardAt = f64(this.hardAt);
    this.softAt = f64(this.softAt);
    this.humanOpens = u32(this.humanOpens);
    this.humanClicks = u32(this.humanClicks);
  }
}

/**
 * A copy of `s` that does not keep the text it was cut from alive: a cell sliced out of a
 * megabyte chunk would otherwise hold the whole chunk for as long as the report keeps it.
 */
function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

function latest(current: number, at: number): number {
  return Number.isNaN(current) || at > current ? at : current;
}

/** The later of two times either of which may be missing (NaN). */
function latestOf(a: number, b: number): number {
  return Number.isNaN(b) ? a : latest(a, b);
}

export function rate(n: number, of: number): number | null {
  return of === 0 ? null : n / of;
}

/**
 * Counts one event of message `m` into its state (the rules in the header). Returns whether a
 * timeline should count it: false for a message's second handed-over row or second delivery.
 */
export function countEvent(
  s: MessageStates,
  m: number,
  kind: DeliveryKind,
  at: number,
  machine: boolean,
  soft: boolean
): boolean {
  switch (kind) {
    case 'sent': {
      const first = (s.flags[m] & HANDED) === 0;
      s.flags[m] |= SENT | HANDED;
      return first;
    }
    case 'deferred':
      s.flags[m] |= SENT;
      break;
    case 'dropped':
      s.flags[m] |= DROPPED;
      break;
    case 'delivered': {
      const first = (s.flags[m] & DELIVERY_SEEN) === 0;
      s.flags[m] |= SENT | DELIVERY_SEEN;
      s.deliveredAt[m] = latest(s.deliveredAt[m], at);
      return first;
    }
    case 'bounced':
      s.flags[m] |= SENT;
      if (soft) s.softAt[m] = latest(s.softAt[m], at);
      else s.hardAt[m] = latest(s.hardAt[m], at);
      break;
    case 'opened':
      s.flags[m] |= SENT;
      if (machine) s.flags[m] |= MACHINE_OPEN;
      else s.humanOpens[m]++;
      break;
    case 'clicked':
      s.flags[m] |= SENT;
      if (machine) s.flags[m] |= MACHINE_CLICK;
      else s.humanClicks[m]++;
      break;
    case 'unsubscribed':
      s.flags[m] |= SENT | UNSUBSCRIBED;
      break;
    case 'complained':
      s.flags[m] |= SENT | COMPLAINED;
      break;
  }
  return true;
}

/** A message's final delivery state, by the rules above. */
export const FINAL_NONE = 0;
export const FINAL_DELIVERED = 1;
export const FINAL_HARD = 2;
export const FINAL_SOFT = 3;

export function finalState(s: MessageStates, m: number): number {
  const d = s.deliveredAt[m];
  const h = s.hardAt[m];
  if (!Number.isNaN(h) && (Number.isNaN(d) || h >= d)) return FINAL_HARD;
  if (!Number.isNaN(d)) return FINAL_DELIVERED;
  if (!Number.isNaN(s.softAt[m])) return FINAL_SOFT;
  return FINAL_NONE;
}

/** Whether message `m` was handed over (or shown to be by a later event). */
export function wasSent(s: MessageStates, m: number): boolean {
  return (s.flags[m] & SENT) !== 0;
}

// Counter slots of one group in groupFigures.
const C_SENT = 0;
const C_DELIVERED = 1;
const C_HARD = 2;
const C_SOFT = 3;
const C_OPENED_UNIQUE = 4;
const C_OPENED_TOTAL = 5;
const C_OPENED_MACHINE = 6;
const C_CLICKED_UNIQUE = 7;
const C_CLICKED_TOTAL = 8;
const C_CLICKED_MACHINE = 9;
const C_UNSUBSCRIBED = 10;
const C_COMPLAINED = 11;
const SLOTS = 12;

function toFigures(c: Float64Array, g: number): DeliveryFigures {
  const at = (slot: number) => c[g * SLOTS + slot];
  const sent = at(C_SENT);
  const delivered = at(C_DELIVERED);
  const openedUnique = at(C_OPENED_UNIQUE);
  const clickedUnique = at(C_CLICKED_UNIQUE);
  return {
    sent,
    delivered,
    bounced_hard: at(C_HARD),
    bounced_soft: at(C_SOFT),
    opened_unique: openedUnique,
    opened_total: at(C_OPENED_TOTAL),
    opened_machine: at(C_OPENED_MACHINE),
    clicked_unique: clickedUnique,
    clicked_total: at(C_CLICKED_TOTAL),
    clicked_machine: at(C_CLICKED_MACHINE),
    unsubscribed: at(C_UNSUBSCRIBED),
    complained: at(C_COMPLAINED),
    delivery_rate: rate(delivered, sent),
    open_rate: rate(openedUnique, delivered),
    click_rate: rate(clickedUnique, delivered),
    click_to_open_rate: rate(clickedUnique, openedUnique),
    bounce_rate: rate(at(C_HARD) + at(C_SOFT), sent),
    unsubscribe_rate: rate(at(C_UNSUBSCRIBED), delivered),
    complaint_rate: rate(at(C_COMPLAINED), delivered)
  };
}

/**
 * The figures of every sent message in `s`, and per group in one pass when `groupOf` gives
 * each message's group (0 … groups - 1): the dashboard's figures of each emailing.
 */
export function groupFigures(
  s: MessageStates,
  groupOf: Uint32Array | null = null,
  groups = 0
): { total: DeliveryFigures; groups: DeliveryFigures[] } {
  // Group `groups` is the total.
  const c = new Float64Array((groups + 1) * SLOTS);
  for (let m = 0; m < s.count; m++) {
    const f = s.flags[m];
    if ((f & SENT) === 0) continue;
    const g = groupOf ? groupOf[m] : 0;
    const base = (groupOf && g < groups ? g : groups) * SLOTS;
    c[base + C_SENT]++;
    const final = finalState(s, m);
    if (final === FINAL_HARD) c[base + C_HARD]++;
    else if (final === FINAL_DELIVERED) c[base + C_DELIVERED]++;
    else if (final === FINAL_SOFT) c[base + C_SOFT]++;
    const opens = s.humanOpens[m];
    if (opens > 0) c[base + C_OPENED_UNIQUE]++;
    else if (f & MACHINE_OPEN) c[base + C_OPENED_MACHINE]++;
    c[base + C_OPENED_TOTAL] += opens;
    const clicks = s.humanClicks[m];
    if (clicks > 0) c[base + C_CLICKED_UNIQUE]++;
    else if (f & MACHINE_CLICK) c[base + C_CLICKED_MACHINE]++;
    c[base + C_CLICKED_TOTAL] += clicks;
    if (f & UNSUBSCRIBED) c[base + C_UNSUBSCRIBED]++;
    if (f & COMPLAINED) c[base + C_COMPLAINED]++;
  }
  // The total is every group's counts added up (counts add; rates are computed after).
  if (groupOf) {
    for (let g = 0; g < groups; g++)
      for (let k = 0; k < SLOTS; k++) c[groups * SLOTS + k] += c[g * SLOTS + k];
  }
  const out: DeliveryFigures[] = [];
  for (let g = 0; g < groups; g++) out.push(toFigures(c, g));
  return { total: toFigures(c, groups), groups: out };
}

/** The figures of every sent message in `s`. */
export function figuresOf(s: MessageStates): DeliveryFigures {
  return groupFigures(s).total;
}

/**
 * The state a DeliveryReport read from a later part of a file hands over to be merged into the
 * report of the parts before it (`DeliveryReport.merge`): per message its key and state, and
 * the opens and clicks that carry a provider event id, not counted yet — only the earlier
 * parts know whether their id was seen before. Typed arrays, so that a thread can transfer
 * them.
 */
export interface DeliveryReportPart {
  /** Per message, joined by SEPARATOR: one string crosses threads far faster than a million. */
  messageIds: string;
  recipients: string;
  /** The emailing of messages without a provider id (their key); '' for the others. */
  emailings: string;
  flags: Uint8Array;
  deliveredAt: Float64Array;
  hardAt: Float64Array;
  softAt: Float64Array;
  humanOpens: Uint32Array;
  humanClicks: Uint32Array;
  idEvents: {
    /** Joined by SEPARATOR. */
    ids: string;
    message: Uint32Array;
    /** 1 for a click, 0 for an open. */
    click: Uint8Array;
    machine: Uint8Array;
    at: Float64Array;
  };
  events: number;
  repeated: number;
}

/** Joins a part's texts: CSV text holds no NUL (the preview refuses a file with one). */
const SEPARATOR = '\u0000';

/** An event `merge` counts that a timeline beside the report should count too. */
export type MergedEvent = (kind: 'opened' | 'clicked', at: number, machine: boolean) => void;

/** Counts delivery events into per-message states; `figures()` reads the totals at any time. */
export class DeliveryReport {
  /** Message by provider id; the recipient of each message, to tell apart an id's recipients. */
  private readonly byId = new Map<string, number>();
  private readonly recipients: string[] = [];
  /** Messages keyed `id NUL recipient` (an id shared by recipients) or `NUL recipient NUL emailing`. */
  private readonly byKey = new Map<string, number>();
  private readonly states = new MessageStates();
  private readonly seenEventIds = new Set<string>();
  /** Events counted, and events skipped because their provider id was seen before. */
  events = 0;
  repeated = 0;

  /** Only for a part of a file (see DeliveryReportPart): what `part()` hands over. */
  private readonly partOf: {
    messageIds: string[];
    emailings: string[];
    ids: string[];
    message: number[];
    click: number[];
    machine: number[];
    at: number[];
  } | null;

  /**
   * `laterPart`: the events are a later part of a file, to be merged into the report of the
   * parts before it; opens and clicks with an event id wait for the merge to be counted.
   */
  constructor(options: { laterPart?: boolean } = {}) {
    this.partOf = options.laterPart
      ? {
          messageIds: [],
          emailings: [],
          ids: [],
          message: [],
          click: [],
          machine: [],
          at: []
        }
      : null;
  }

  /**
   * Counts one event. Returns whether a timeline should count it: false for an open or click
   * whose provider event id was seen before, and for a message's second handed-over row or
   * second delivery (a message is sent, and delivered, once). Only opens and clicks remember their ids: for every other kind a repeat
   * cannot change a figure (flags and latest times are idempotent), and keeping 5,000,000 ids
   * would cost more than the whole count.
   */
  add(event: DeliveryEvent): boolean {
    if (this.merged) throw new Error('a merged report takes no more events');
    const counted = event.kind === 'opened' || event.kind === 'clicked';
    if (counted && event.eventId !== undefined) {
      if (this.seenEventIds.has(event.eventId)) {
        this.repeated++;
        return false;
      }
      this.seenEventIds.add(event.eventId);
      if (this.partOf) {
        const p = this.partOf;
        p.ids.push(event.eventId);
        p.message.push(this.messageOf(event));
        p.click.push(event.kind === 'clicked' ? 1 : 0);
        p.machine.push(event.machine ? 1 : 0);
        p.at.push(event.at);
        return false;
      }
    }
    this.events++;
    return countEvent(
      this.states,
      this.messageOf(event),
      event.kind,
      event.at,
      event.machine,
      event.bounce === 'soft'
    );
  }

  // Keyed on the id cell itself in the common case: no key string is built per row.
  private messageOf(event: DeliveryEvent): number {
    const { messageId, recipient } = event;
    // Exports often list a message's events together: the last message is looked up first.
    if (
      messageId !== '' &&
      messageId === this.lastId &&
      recipient === this.lastRecipient &&
      this.lastMessage >= 0
    )
      return this.lastMessage;
    let m = this.find(messageId, recipient, event.emailing);
    if (m < 0) m = this.insert(messageId, recipient, event.emailing);
    if (messageId !== '') {
      this.lastId = messageId;
      this.lastRecipient = recipient;
      this.lastMessage = m;
    }
    return m;
  }

  private lastId = '';
  private lastRecipient = '';
  private lastMessage = -1;

  private static key(messageId: string, recipient: string, emailing: string): string {
    return messageId !== ''
      ? `${messageId}\u0000${recipient}`
      : `\u0000${recipient}\u0000${emailing}`;
  }

  /** The message of this key, or -1. */
  private find(messageId: string, recipient: string, emailing: string): number {
    if (messageId !== '') {
      const m = this.byId.get(messageId);
      if (m === undefined) return -1;
      if (this.recipients[m] === recipient) return m;
    }
    return this.byKey.get(DeliveryReport.key(messageId, recipient, emailing)) ?? -1;
  }

  /** A new message of a key `find` does not know. */
  private insert(messageId: string, recipient: string, emailing: string): number {
    const m = this.states.add();
    this.recipients[m] = own(recipient);
    const id = own(messageId);
    if (messageId !== '' && !this.byId.has(messageId)) this.byId.set(id, m);
    else this.byKey.set(DeliveryReport.key(messageId, recipient, emailing), m);
    const p = this.partOf;
    if (p) {
      p.messageIds[m] = id;
      p.emailings[m] = messageId === '' ? own(emailing) : '';
    }
    return m;
  }

  /** What this report of a later part hands over to `merge` (see DeliveryReportPart). */
  part(): DeliveryReportPart {
    const p = this.partOf;
    if (!p) throw new Error('part() needs a report made with laterPart');
    const s = this.states;
    const n = s.count;
    return {
      messageIds: p.messageIds.join(SEPARATOR),
      recipients: this.recipients.join(SEPARATOR),
      emailings: p.emailings.join(SEPARATOR),
      flags: s.flags.slice(0, n),
      deliveredAt: s.deliveredAt.slice(0, n),
      hardAt: s.hardAt.slice(0, n),
      softAt: s.softAt.slice(0, n),
      humanOpens: s.humanOpens.slice(0, n),
      humanClicks: s.humanClicks.slice(0, n),
      idEvents: {
        ids: p.ids.join(SEPARATOR),
        message: Uint32Array.from(p.message),
        click: Uint8Array.from(p.click),
        machine: Uint8Array.from(p.machine),
        at: Float64Array.from(p.at)
      },
      events: this.events,
      repeated: this.repeated
    };
  }

  /**
   * Adds the events of a later part of the file, as if they had been counted after this
   * report's own: a message's states are joined by its key (flags add up, the latest times
   * stay, human opens and clicks add), and an open or click whose id this report has seen is
   * a repeat. `counted` hears the opens and clicks with an id counted now, for the timeline.
   * The last thing done to a report: the part's own messages are not keyed (keying a million
   * of them would cost more than the thread saved), so `add` refuses afterwards. Throws,
   * changing nothing, when a text of the part held the separator (NUL).
   */
  merge(part: DeliveryReportPart, counted: MergedEvent): void {
    const n = part.flags.length;
    const split = (joined: string, count: number): string[] => {
      const out = count === 0 ? [] : joined.split(SEPARATOR);
      if (out.length !== count) throw new Error('a text of the part holds a NUL');
      return out;
    };
    const ids = split(part.messageIds, n);
    const recipients = split(part.recipients, n);
    const emailings = split(part.emailings, n);
    const e = part.idEvents;
    const eventIds = split(e.ids, e.message.length);
    this.merged = true;
    const s = this.states;
    const to = new Int32Array(n);
    const copy = (j: number): number => {
      const m = s.add();
      s.flags[m] = part.flags[j];
      s.deliveredAt[m] = part.deliveredAt[j];
      s.hardAt[m] = part.hardAt[j];
      s.softAt[m] = part.softAt[j];
      s.humanOpens[m] = part.humanOpens[j];
      s.humanClicks[m] = part.humanClicks[j];
      return m;
    };
    for (let j = 0; j < n; j++) {
      const m = this.find(ids[j], recipients[j], emailings[j]);
      if (m < 0) {
        // A message known only from opens or clicks not counted yet: made when one counts.
        to[j] = part.flags[j] === 0 ? -1 : copy(j);
        continue;
      }
      to[j] = m;
      s.flags[m] |= part.flags[j];
      s.deliveredAt[m] = latestOf(s.deliveredAt[m], part.deliveredAt[j]);
      s.hardAt[m] = latestOf(s.hardAt[m], part.hardAt[j]);
      s.softAt[m] = latestOf(s.softAt[m], part.softAt[j]);
      s.humanOpens[m] += part.humanOpens[j];
      s.humanClicks[m] += part.humanClicks[j];
    }
    this.events += part.events;
    this.repeated += part.repeated;
    for (let k = 0; k < eventIds.length; k++) {
      // The part counted its own repeats; only this report's ids can repeat one of its ids.
      if (this.seenEventIds.has(eventIds[k])) {
        this.repeated++;
        continue;
      }
      const j = e.message[k];
      let m = to[j];
      if (m < 0) m = to[j] = copy(j);
      const kind = e.click[k] === 1 ? 'clicked' : 'opened';
      const machine = e.machine[k] === 1;
      this.events++;
      countEvent(s, m, kind, e.at[k], machine, false);
      counted(kind, e.at[k], machine);
    }
  }

  /** Set by `merge`: the report is complete. */
  private merged = false;

  /** Messages seen, including those only dropped (never handed over). */
  get messages(): number {
    return this.states.count;
  }

  figures(): DeliveryFigures {
    return figuresOf(this.states);
  }

  /** Messages only dropped or rejected by the provider (never handed over). */
  dropped(): number {
    let n = 0;
    for (let m = 0; m < this.states.count; m++) {
      const f = this.states.flags[m];
      if (f & DROPPED && (f & SENT) === 0) n++;
    }
    return n;
  }
}
