/**
 * The campaign dashboard's figures, computed in the worker from the campaign's delivery events
 * (DeliveryColumns), the send ledger's counts per emailing, the segments' size history and the
 * campaign's participation events. Every delivery figure is the delivery report's
 * (`countEvent` / `figuresOf`): one meaning per name, whether the dashboard, the per-emailing
 * view or `slice report` prints it. The page only draws what this returns.
 */
import { SKIP_LABELS, SKIP_REASONS, type SkipReason } from '../email/recipients';
import { zoneClock, type ZoneClock } from '../segment/dates';
import { BOUNCE_SOFT, DELIVERY_KINDS, type CountingColumns } from './delivery-columns';
import {
  countEvent,
  groupFigures,
  finalState,
  FINAL_HARD,
  FINAL_SOFT,
  MessageStates,
  type DeliveryFigures
} from './delivery-report';
import {
  bucketCount,
  bucketLabel,
  bucketStart,
  dayLabel,
  HOUR_MS,
  isHourBucket,
  timeAxis
} from './dashboard-timeline';

/** Complaint rate above which an emailing is flagged (0.1 %). */
export const COMPLAINT_FLAG_RATE = 0.001;
/**
 * Complaint rate above which sending to the campaign asks for confirmation (0.3 %: the
 * bulk-sender limit of the large mailbox providers).
 */
export const COMPLAINT_CONFIRM_RATE = 0.003;

/** What the send ledger says of one emailing (its counters, kept as messages change state). */
export interface LedgerCounts {
  emailingId: string;
  name: string;
  /** Distinct contacts in the emailing's targets when its recipients were chosen. */
  contacts: number;
  /** Recipients (contacts minus skipped). */
  toSend: number;
  accepted: number;
  rejected: number;
  skipCounts: Record<SkipReason, number>;
  /** When sending started (ISO), null when not yet. */
  startedAt: string | null;
}

export interface SizePoint {
  /** ISO instant of the generation. */
  at: string;
  size: number;
}

export interface SegmentHistory {
  id: string;
  name: string;
  history: SizePoint[];
}

export interface DashboardInput {
  columns: CountingColumns;
  ledger: LedgerCounts[];
  /** Only this emailing (its id); null = the whole campaign. */
  emailing: string | null;
  /** Only events at or after `from` and before `to` (epoch ms); null = unbounded. */
  from: number | null;
  to: number | null;
  timeZone: string;
  segments: SegmentHistory[];
  /** Times (epoch ms) of the campaign's events of type participation. */
  participations: Float64Array;
}

export interface LedgerFigures {
  contacts: number;
  toSend: number;
  /** Handed over and answered by the relay: accepted + rejected. */
  sent: number;
  accepted: number;
  rejected: number;
  suppressed: number;
  /** Skipped for any reason (suppressed included). */
  skipped: number;
  skipCounts: Record<SkipReason, number>;
  /** Recipients not handed over yet (queued, paused or cancelled). */
  notSent: number;
}

export interface TimelineBucket {
  start: number;
  label: string;
  hourly: boolean;
  sent: number;
  openedHuman: number;
  openedMachine: number;
  clickedHuman: number;
  clickedMachine: number;
}

export interface FunnelStage {
  stage: 'to_send' | 'sent' | 'delivered' | 'opened' | 'clicked';
  label: string;
  count: number;
}

export interface BounceReason {
  reason: string;
  bounce: 'hard' | 'soft';
  messages: number;
}

export interface TopLink {
  url: string;
  /** Messages with a click on this link by a person. */
  uniqueHuman: number;
  /** Clicks by people. */
  human: number;
  /** Clicks by link scanners. */
  machine: number;
}

export interface GapReason {
  reason: SkipReason | 'rejected' | 'not_sent';
  label: string;
  count: number;
}

export interface EmailingFigures {
  id: string;
  name: string;
  figures: DeliveryFigures;
  /** Complaint rate over COMPLAINT_FLAG_RATE. */
  complaintFlag: boolean;
}

export interface DailyCount {
  day: number;
  label: string;
  count: number;
}

export interface Dashboard {
  figures: DeliveryFigures;
  ledger: LedgerFigures;
  timeline: TimelineBucket[];
  funnel: FunnelStage[];
  bounceReasons: BounceReason[];
  links: TopLink[];
  /** Segment size (contacts in the targets) against messages sent, and why they differ. */
  gap: { contacts: number; sent: number; reasons: GapReason[] };
  segments: SegmentHistory[];
  participations: DailyCount[];
  /** Every emailing of the campaign with its own figures (the range applies, not the filter). */
  emailings: EmailingFigures[];
  /** The whole campaign's complaint rate, and whether sending to it needs a confirmation. */
  complaints: { rate: number | null; confirm: boolean };
  /** Events counted (after the filter and range). */
  events: number;
  timeZone: string;
}

const TOP_LINKS = 10;
const TOP_REASONS = 12;

const KIND_SENT = DELIVERY_KINDS.indexOf('sent');
const KIND_BOUNCED = DELIVERY_KINDS.indexOf('bounced');
const KIND_OPENED = DELIVERY_KINDS.indexOf('opened');
const KIND_CLICKED = DELIVERY_KINDS.indexOf('clicked');

function emptySkips(): Record<SkipReason, number> {
  return { suppressed: 0, invalid: 0, duplicate: 0, capped: 0 };
}

/** The ledger's counts, summed over the emailings in view. */
export function ledgerFigures(rows: readonly LedgerCounts[]): LedgerFigures {
  const skipCounts = emptySkips();
  let contacts = 0;
  let toSend = 0;
  let accepted = 0;
  let rejected = 0;
  for (const r of rows) {
    contacts += r.contacts;
    toSend += r.toSend;
    accepted += r.accepted;
    rejected += r.rejected;
    for (const k of SKIP_REASONS) skipCounts[k] += r.skipCounts[k] ?? 0;
  }
  const skipped = Object.values(skipCounts).reduce((a, b) => a + b, 0);
  return {
    contacts,
    toSend,
    sent: accepted + rejected,
    accepted,
    rejected,
    suppressed: skipCounts.suppressed,
    skipped,
    skipCounts,
    notSent: Math.max(0, toSend - accepted - rejected)
  };
}

/** The campaign's delivery events counted per message, with what the charts need beside. */
interface Counted {
  states: MessageStates;
  /** Emailing code of each message (the code of the last of its events that had one). */
  emailingOf: Uint32Array;
  hardReason: Uint32Array;
  softReason: Uint32Array;
  hardReasonAt: Float64Array;
  softReasonAt: Float64Array;
  events: number;
  firstSent: number;
  firstAt: number;
  lastAt: number;
}

function inRange(at: number, from: number | null, to: number | null): boolean {
  return (from === null || at >= from) && (to === null || at < to);
}

/** One pass over the events in the range (all emailings: per-emailing figures need them). */
function countAll(c: CountingColumns, from: number | null, to: number | null): Counted {
  const n = c.messages.length;
  const states = new MessageStates();
  states.ensure(n);
  const out: Counted = {
    states,
    emailingOf: new Uint32Array(n),
    hardReason: new Uint32Array(n),
    softReason: new Uint32Array(n),
    hardReasonAt: new Float64Array(n).fill(-Infinity),
    softReasonAt: new Float64Array(n).fill(-Infinity),
    events: 0,
    firstSent: Infinity,
    firstAt: Infinity,
    lastAt: -Infinity
  };
  for (let i = 0; i < c.count; i++) {
    const at = c.at[i];
    if (!inRange(at, from, to)) continue;
    const m = c.message[i];
    const k = c.kind[i];
    const soft = c.bounce[i] === BOUNCE_SOFT;
    countEvent(states, m, DELIVERY_KINDS[k], at, c.machine[i] === 1, soft);
    const e = c.emailing[i];
    if (e !== 0) out.emailingOf[m] = e;
    if (k === KIND_BOUNCED) {
      if (soft && at >= out.softReasonAt[m]) {
        out.softReasonAt[m] = at;
        out.softReason[m] = c.reason[i];
      } else if (!soft && at >= out.hardReasonAt[m]) {
        out.hardReasonAt[m] = at;
        out.hardReason[m] = c.reason[i];
      }
    }
    if (k === KIND_SENT && at < out.firstSent) out.firstSent = at;
    if (at < out.firstAt) out.firstAt = at;
    if (at > out.lastAt) out.lastAt = at;
    out.events++;
  }
  return out;
}

function timeline(
  c: CountingColumns,
  counted: Counted,
  clock: ZoneClock,
  code: number | null,
  from: number | null,
  to: number | null
): TimelineBucket[] {
  // The axis starts at the first send in view (else the first event) and ends at the last.
  let firstSent = Infinity;
  let first = Infinity;
  let last = -Infinity;
  if (code === null) {
    firstSent = counted.firstSent;
    first = counted.firstAt;
    last = counted.lastAt;
  } else {
    for (let i = 0; i < c.count; i++) {
      const at = c.at[i];
      if (counted.emailingOf[c.message[i]] !== code || !inRange(at, from, to)) continue;
      if (c.kind[i] === KIND_SENT && at < firstSent) firstSent = at;
      if (at < first) first = at;
      if (at > last) last = at;
    }
  }
  const axis = timeAxis(clock, Number.isFinite(firstSent) ? firstSent : first, last);
  const n = bucketCount(axis);
  const sent = new Uint32Array(n);
  const oh = new Uint32Array(n);
  const om = new Uint32Array(n);
  const ch = new Uint32Array(n);
  const cm = new Uint32Array(n);
  // Bucket starts computed once: an event's bucket is then arithmetic (hours) or a binary
  // search among a few days, never a time-zone lookup per event.
  const starts = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) starts[i] = bucketStart(axis, clock, i);
  starts[n] =
    axis.days > 0
      ? clock.startOfDay(axis.firstDay + axis.days)
      : axis.hourStart + axis.hours * HOUR_MS;
  const hourStart = starts[0];
  const hours = axis.hours;
  const end = starts[n];
  // A message is sent once: only its first handed-over event is drawn.
  const seenSent = new Uint8Array(c.messages.length);
  for (let i = 0; i < c.count; i++) {
    const k = c.kind[i];
    if (k !== KIND_SENT && k !== KIND_OPENED && k !== KIND_CLICKED) continue;
    const at = c.at[i];
    if (n === 0 || at < hourStart || at >= end || !inRange(at, from, to)) continue;
    const m = c.message[i];
    if (code !== null && counted.emailingOf[m] !== code) continue;
    let b = Math.floor((at - hourStart) / HOUR_MS);
    if (b >= hours) {
      let lo = hours;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= at) lo = mid;
        else hi = mid - 1;
      }
      b = lo;
    }
    if (k === KIND_SENT) {
      if (seenSent[m] === 0) {
        seenSent[m] = 1;
        sent[b]++;
      }
    } else if (k === KIND_OPENED) {
      if (c.machine[i] === 1) om[b]++;
      else oh[b]++;
    } else if (c.machine[i] === 1) cm[b]++;
    else ch[b]++;
  }
  const out: TimelineBucket[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      start: bucketStart(axis, clock, i),
      label: bucketLabel(axis, clock, i),
      hourly: isHourBucket(axis, i),
      sent: sent[i],
      openedHuman: oh[i],
      openedMachine: om[i],
      clickedHuman: ch[i],
      clickedMachine: cm[i]
    });
  }
  return out;
}

function bounceReasons(
  c: CountingColumns,
  counted: Counted,
  include: (m: number) => boolean
): BounceReason[] {
  const hard = new Map<number, number>();
  const soft = new Map<number, number>();
  const s = counted.states;
  for (let m = 0; m < s.count; m++) {
    const final = finalState(s, m);
    if (final !== FINAL_HARD && final !== FINAL_SOFT) continue;
    if (!include(m)) continue;
    if (final === FINAL_HARD)
      hard.set(counted.hardReason[m], (hard.get(counted.hardReason[m]) ?? 0) + 1);
    else soft.set(counted.softReason[m], (soft.get(counted.softReason[m]) ?? 0) + 1);
  }
  const rows: BounceReason[] = [];
  const label = (code: number) => c.reasons[code] || '(no reason given)';
  for (const [code, messages] of hard) rows.push({ reason: label(code), bounce: 'hard', messages });
  for (const [code, messages] of soft) rows.push({ reason: label(code), bounce: 'soft', messages });
  rows.sort((a, b) => b.messages - a.messages || a.reason.localeCompare(b.reason));
  return rows.slice(0, TOP_REASONS);
}

function topLinks(
  c: CountingColumns,
  counted: Counted,
  code: number | null,
  from: number | null,
  to: number | null
): TopLink[] {
  const u = c.urls.length;
  const human = new Uint32Array(u);
  const machine = new Uint32Array(u);
  const unique = new Uint32Array(u);
  // Links each message was clicked on by a person: a bit per link while there are at most 32
  // (nearly always), else message × link pairs in a set.
  const bits = u <= 33 ? new Uint32Array(c.messages.length) : null;
  const pairs = new Set<number>();
  for (let i = 0; i < c.count; i++) {
    if (c.kind[i] !== KIND_CLICKED) continue;
    const url = c.url[i];
    if (url === 0) continue;
    const m = c.message[i];
    if (code !== null && counted.emailingOf[m] !== code) continue;
    if (!inRange(c.at[i], from, to)) continue;
    if (c.machine[i] === 1) {
      machine[url]++;
      continue;
    }
    human[url]++;
    if (bits) {
      const bit = 1 << (url - 1);
      if ((bits[m] & bit) === 0) {
        bits[m] |= bit;
        unique[url]++;
      }
    } else {
      const key = m * u + url;
      if (!pairs.has(key)) {
        pairs.add(key);
        unique[url]++;
      }
    }
  }
  const rows: TopLink[] = [];
  for (let url = 1; url < u; url++) {
    if (human[url] + machine[url] === 0) continue;
    rows.push({
      url: c.urls[url],
      uniqueHuman: unique[url],
      human: human[url],
      machine: machine[url]
    });
  }
  rows.sort((a, b) => b.human - a.human || b.machine - a.machine || a.url.localeCompare(b.url));
  return rows.slice(0, TOP_LINKS);
}

/** Counts per local day of the instants in range. */
export function dailyCounts(
  times: ArrayLike<number>,
  clock: ZoneClock,
  from: number | null,
  to: number | null
): DailyCount[] {
  const days = new Map<number, number>();
  for (let i = 0; i < times.length; i++) {
    const at = times[i];
    if (!Number.isFinite(at) || !inRange(at, from, to)) continue;
    const day = clock.localDay(at);
    days.set(day, (days.get(day) ?? 0) + 1);
  }
  return [...days.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([day, count]) => ({ day, label: dayLabel(day), count }));
}

function gapReasons(ledger: LedgerFigures): GapReason[] {
  const rows: GapReason[] = SKIP_REASONS.map((reason) => ({
    reason,
    label: SKIP_LABELS[reason].charAt(0).toUpperCase() + SKIP_LABELS[reason].slice(1),
    count: ledger.skipCounts[reason]
  }));
  rows.push({ reason: 'rejected', label: 'Rejected by the relay', count: ledger.rejected });
  rows.push({ reason: 'not_sent', label: 'Not handed over yet', count: ledger.notSent });
  return rows.filter((r) => r.count > 0);
}

function inRangeIso(at: string, from: number | null, to: number | null): boolean {
  return inRange(Date.parse(at), from, to);
}

/** The whole dashboard: figures, charts and per-emailing figures. */
export function buildDashboard(input: DashboardInput): Dashboard {
  const { columns: c, from, to } = input;
  const clock = zoneClock(input.timeZone);
  const counted = countAll(c, from, to);
  const code = input.emailing === null ? null : c.emailings.indexOf(input.emailing);
  // An emailing with no events yet: nothing of it is counted (code -1 matches no message).
  const include = code === null ? () => true : (m: number) => counted.emailingOf[m] === code;
  // Every emailing's figures in one pass over the messages (group = emailing code).
  const byCode = groupFigures(counted.states, counted.emailingOf, c.emailings.length);
  const none = groupFigures(new MessageStates()).total;
  const figures = code === null ? byCode.total : code > 0 ? byCode.groups[code] : none;
  const ledgerRows =
    input.emailing === null
      ? input.ledger
      : input.ledger.filter((r) => r.emailingId === input.emailing);
  const ledger = ledgerFigures(ledgerRows);

  // The app's emailings, then emailings only the events know (an imported provider export).
  const known = new Set(input.ledger.map((r) => r.emailingId));
  const listed = [
    ...input.ledger.map((r) => ({ id: r.emailingId, name: r.name })),
    ...c.emailings.filter((e) => e !== '' && !known.has(e)).map((e) => ({ id: e, name: e }))
  ];
  const emailings: EmailingFigures[] = listed.map((r) => {
    const e = c.emailings.indexOf(r.id);
    const f = e > 0 ? byCode.groups[e] : none;
    return {
      id: r.id,
      name: r.name,
      figures: f,
      complaintFlag: f.complaint_rate !== null && f.complaint_rate > COMPLAINT_FLAG_RATE
    };
  });
  const campaign = byCode.total;

  const toSend = ledgerRows.length > 0 ? ledger.toSend : null;
  const funnel: FunnelStage[] = [
    ...(toSend !== null ? [{ stage: 'to_send' as const, label: 'To send', count: toSend }] : []),
    { stage: 'sent', label: 'Sent', count: figures.sent },
    { stage: 'delivered', label: 'Delivered', count: figures.delivered },
    { stage: 'opened', label: 'Opened (people)', count: figures.opened_unique },
    { stage: 'clicked', label: 'Clicked (people)', count: figures.clicked_unique }
  ];

  const segments = input.segments.map((s) => ({
    ...s,
    history: s.history
      .filter((p) => inRangeIso(p.at, from, to))
      .sort((a, b) => a.at.localeCompare(b.at))
  }));

  return {
    figures,
    ledger,
    timeline: timeline(c, counted, clock, code, from, to),
    funnel,
    bounceReasons: bounceReasons(c, counted, include),
    links: topLinks(c, counted, code, from, to),
    gap: { contacts: ledger.contacts, sent: ledger.accepted, reasons: gapReasons(ledger) },
    segments,
    participations: dailyCounts(input.participations, clock, from, to),
    emailings,
    complaints: {
      rate: campaign.complaint_rate,
      confirm: campaign.complaint_rate !== null && campaign.complaint_rate > COMPLAINT_CONFIRM_RATE
    },
    events: code === null ? counted.events : countEvents(c, counted, code, from, to),
    timeZone: input.timeZone
  };
}

function countEvents(
  c: CountingColumns,
  counted: Counted,
  code: number,
  from: number | null,
  to: number | null
): number {
  let n = 0;
  for (let i = 0; i < c.count; i++) {
    if (counted.emailingOf[c.message[i]] === code && inRange(c.at[i], from, to)) n++;
  }
  return n;
}
